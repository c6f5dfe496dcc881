package io.ascendant.gateway.platform;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Ends the exchange of an answer given before the request body was read (or when the rest of the connection cannot
 * be read), so the unread bytes are never taken as the next request and the client stops sending them.
 *
 * <p>Over HTTP/1.x the answer carries {@code Connection: close}. HTTP/2 forbids connection-specific header fields
 * (RFC 9113, section 8.2.2): a response carrying {@code Connection} is malformed, and clients (curl, browsers, Vert.x)
 * drop it with a stream {@code PROTOCOL_ERROR}, so the caller got no status and no body at all. Over HTTP/2 the answer
 * therefore goes out as it is, and once it is written, a request whose body is still arriving (any method but GET
 * and HEAD) has its stream reset with {@code NO_ERROR}, which tells the client to stop sending (RFC 9113, section
 * 8.1); the other requests on the connection go on. The reset is written after the answer's last frame (Vert.x writes
 * a stream's pending data when its response ends), but a client may still drop an answer whose last DATA frame it had
 * not delivered when the reset arrived (Vert.x's client did, now and then, for a GET): hence no reset where no body
 * can follow.
 */
public final class ConnectionClose {

    private ConnectionClose() {}

    /** For an answer given from a route or filter: see the class comment. */
    public static void afterAnswer(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (request.version() != HttpVersion.HTTP_2) {
            request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        } else if (!request.isEnded() && request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            // Only where a body may still be on its way: a reset right behind a complete answer can make a client
            // drop the answer's last DATA frame, so a request without a body (GET, HEAD) gets none.
            rc.addEndHandler(ended -> {
                if (ended.succeeded() && !request.isEnded()) {
                    request.response().reset(0); // NO_ERROR
                }
            });
        }
    }

    /** For an answer given outside the router (the HTTP/1 decoder's invalid-request handler): the header only. */
    public static void afterAnswer(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_2) {
            request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
    }
}
