package io.ascendant.gateway.api;

import io.ascendant.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** Reading a tenant request's body within the configured limit, and the header checks before it. */
final class RequestBodies {
    private RequestBodies() {}

    /** Reads the body up to {@code limit} bytes; fails with 413 beyond. */
    static Future<Buffer> read(RoutingContext rc, long limit) {
        if (rc.body() != null && rc.body().available()) {
            Buffer b = rc.body().buffer();
            if (b != null && b.length() > limit) {
                return Future.failedFuture(new GatewayException.PayloadTooLarge(limit));
            }
            return Future.succeededFuture(b == null ? Buffer.buffer() : b);
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

    /** A declared Content-Length, or -1 when it is not a number. */
    static long parseLength(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
