package io.ascendant.gateway.api;

import io.ascendant.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** Reading a tenant request's body within the configured limit, and the header checks before it. */
final class RequestBodies {
    private RequestBodies() {}

    /**
     * Reads the body up to {@code limit} bytes; fails with 413 beyond, and with {@link HttpClosedException} when the
     * client closes (or half-closes) the connection before the body's end, also when it did so before this call.
     */
    static Future<Buffer> read(RoutingContext rc, long limit) {
        if (rc.body() != null && rc.body().available()) {
            Buffer b = rc.body().buffer();
            if (b != null && b.length() > limit) {
                return Future.failedFuture(new GatewayException.PayloadTooLarge(limit));
            }
            return Future.succeededFuture(b == null ? Buffer.buffer() : b);
        }
        if (rc.response().closed()) {
            // The client left while the request waited (for its key to be checked in the database): the connection's
            // close has been reported already, so none of the handlers set below would ever be called and the request
            // would never end.
            return Future.failedFuture(new HttpClosedException("the client closed the connection before its body"));
        }
        HttpServerRequest req = rc.request();
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        req.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                req.handler(null);
                promise.tryFail(new GatewayException.PayloadTooLarge(limit));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> promise.tryComplete(body));
        req.exceptionHandler(promise::tryFail);
        req.resume();
        return promise.future();
    }

    /**
     * Refuses a body sent in a content coding: the gateway does not decompress request bodies, so a gzip body would
     * otherwise fail later as "not valid JSON". {@code identity} (alone or in a list) is no coding. Sets {@code
     * Accept-Encoding: identity} on the response, as RFC 7694 §3 asks of a 415 for a content coding.
     *
     * @throws GatewayException.UnsupportedMediaType 415 naming the coding
     */
    static void requireIdentityCoding(RoutingContext rc) {
        String coding = rc.request().getHeader("content-encoding");
        if (coding == null) {
            return;
        }
        for (String c : coding.split(",")) {
            String t = c.trim();
            if (!t.isEmpty() && !t.equalsIgnoreCase("identity")) {
                rc.response().putHeader("Accept-Encoding", "identity");
                throw GatewayException.UnsupportedMediaType.contentEncoding(coding.strip());
            }
        }
    }

    /** Whether a Content-Type names JSON ({@code application/json} or any {@code +json} type, any parameters). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return type.equalsIgnoreCase("application/json") || type.toLowerCase().endsWith("+json");
    }

    /**
     * Refuses a JSON body declared in a charset other than UTF-8: JSON exchanged between systems must be UTF-8 (RFC
     * 8259 §8.1) and the gateway reads every body as UTF-8, so {@code charset=iso-8859-1} would otherwise be read
     * wrongly or refused as invalid UTF-8. No charset, {@code utf-8} or {@code utf8} (any case, quoted or not) pass.
     *
     * @throws GatewayException.UnsupportedMediaType 415 {@code unsupported_charset} naming the declared charset
     */
    static void requireUtf8(String contentType) {
        if (contentType == null) {
            return;
        }
        int semi = contentType.indexOf(';');
        while (semi >= 0) {
            int next = contentType.indexOf(';', semi + 1);
            String param = (next < 0 ? contentType.substring(semi + 1) : contentType.substring(semi + 1, next)).trim();
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String charset = param.substring(eq + 1).trim();
                if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
                    charset = charset.substring(1, charset.length() - 1);
                }
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw GatewayException.UnsupportedMediaType.charset(charset);
                }
            }
            semi = next;
        }
    }

    /** A declared Content-Length, or -1 when it is not a number. */
    static long parseLength(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
