package io.ascendant.gateway.api;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: a client's {@code x-request-id} is kept when it is 1 to 128 characters of {@code [A-Za-z0-9._:-]}
 * (so it is safe in logs and as the ledger's key); otherwise the gateway makes one, {@code req_} plus 24 hex digits
 * (96 random bits).
 */
public final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /** The client's id when acceptable, otherwise a new one. */
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
