package io.ascendant.gateway.api;

import io.ascendant.gateway.platform.RequestIdFilter;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids of the data path (see {@link RequestIdFilter} for the two ids). The gateway's own id ({@code req_} plus
 * 24 hex digits, 96 random bits) keys the usage row, the quota holds and the usage journal; a client's
 * {@code x-request-id} is only a correlation id, kept when it is 1 to 128 characters of {@code [A-Za-z0-9._:-]} (safe
 * in logs and headers) and never used as a key, because clients reuse such ids across requests and tenants.
 */
public final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /** The gateway's own id of this request ({@link RequestIdFilter} made it), or a new one when the filter did not run. */
    public static String gatewayId(RoutingContext rc) {
        String id = rc.get(RequestIdFilter.CONTEXT_KEY);
        return id != null ? id : generate();
    }

    /** The client's acceptable {@code x-request-id}, or null when it sent none (or one that was not acceptable). */
    public static String clientId(RoutingContext rc) {
        if (rc.get(RequestIdFilter.CONTEXT_KEY) != null) {
            return rc.get(RequestIdFilter.CLIENT_CONTEXT_KEY);
        }
        String header = rc.request().getHeader(RequestIdFilter.HEADER);
        return valid(header) ? header : null;
    }

    /** The id to echo in {@code x-request-id}: the client's id when acceptable, otherwise a new one. */
    public static String acceptOrGenerate(String fromClient) {
        return valid(fromClient) ? fromClient : generate();
    }

    static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong();
        int b = r.nextInt();
        char[] out = new char[4 + 24];
        out[0] = 'r';
        out[1] = 'e';
        out[2] = 'q';
        out[3] = '_';
        for (int i = 0; i < 16; i++) {
            out[4 + i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
        }
        for (int i = 0; i < 8; i++) {
            out[20 + i] = HEX[(b >>> (28 - 4 * i)) & 0xf];
        }
        return new String(out);
    }
}
