package io.ascendant.gateway.platform;

import io.ascendant.gateway.config.DataPathConfig;
import io.netty.handler.codec.DecoderResult;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

/**
 * Requests that the HTTP decoder cannot read (a request line that does not parse, such as an unencoded space in the
 * URL; a request line over {@code quarkus.http.limits.max-initial-line-length}; headers over
 * {@code quarkus.http.limits.max-header-size}; a malformed header; a chunked body with malformed chunk framing, see
 * {@link #watchBody}; a head that breaks the framing rules of {@link RequestHeadRules}, a {@code Transfer-Encoding}
 * other than {@code chunked} say) are answered in the error shape of the API
 * addressed ({@link AddressedApi}) with a message naming the fault and the limit, instead of Vert.x's empty 400, 414
 * or 431 (or, for the framing rules, instead of serving them). As before, the answer carries {@code Connection: close} and the connection is closed after it: the decoder
 * cannot find where the next request would start.
 *
 * <p>How the handler gets onto every connection, and why that reaches into Vert.x: {@link QuarkusServerHooks}.
 */
@ApplicationScoped
@Startup
public class UnreadableRequests {

    /** Netty's stand-in for a request whose request line could not be read. */
    private static final String NETTY_INVALID_TARGET = "/bad-request";

    @Inject
    Vertx vertx;

    private final Handler<HttpServerRequest> answer = this::answer;
    private final RequestReadClock.Timeouts timeouts;

    /**
     * @param config {@code gateway.http.*}: read timeouts that are not positive stop start-up (this bean is created
     *     at start-up for that reason)
     */
    @Inject
    UnreadableRequests(DataPathConfig config) {
        this.timeouts = RequestReadClock.Timeouts.of(config.http());
    }

    void onHttpServerStart(@ObservesAsync HttpServerStart started) {
        new QuarkusServerHooks(vertx, answer, timeouts).installOrRetry(0);
    }

    /** After {@link RequestIdFilter} (1,000,000), so answers carry the request id; before everything else. */
    private static final int BODY_WATCH_FILTER_PRIORITY = 995_000;

    void registerBodyWatch(@Observes Filters filters) {
        filters.register(UnreadableRequests::watchBody, BODY_WATCH_FILTER_PRIORITY);
    }

    /**
     * A failure while the body is read fails the whole connection, not the route: the failure reaches the
     * connection's exception handler, then the request's body readers, and Vert.x closes the connection, so the
     * client got no answer at all. Two such failures are answered here, unless the answer has started: a chunked body
     * whose chunk framing is malformed (a chunk size that is not hexadecimal, say) with 400, a body that paused past
     * {@code gateway.http.body-read-timeout} or was not complete within {@code gateway.http.body-read-deadline}
     * ({@link RequestReadClock}) with 408, both in the addressed API's shape.
     * For HTTP/1 requests that announce a body ({@code Transfer-Encoding} or {@code Content-Length}), the connection's
     * exception handler (Vert.x's default only logs at trace level) is set to one that answers; Vert.x then closes the
     * connection as before. The check costs two header look-ups per request.
     */
    static void watchBody(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (request.version() != HttpVersion.HTTP_2
                && (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                        || request.headers().contains(HttpHeaders.CONTENT_LENGTH))) {
            request.connection().exceptionHandler(failure -> answerUnreadableBody(rc, failure));
        }
        rc.next();
    }

    private static void answerUnreadableBody(RoutingContext rc, Throwable failure) {
        HttpServerResponse response = rc.response();
        Refusal refusal = Refusal.forBody(failure);
        logRefusal(
                refusal == null
                        ? "An HTTP connection failed while a request body was read"
                        : "Refused an HTTP request whose body could not be read",
                rc.get(RequestIdFilter.CONTEXT_KEY, RequestIdFilter.generate()),
                rc.request().getHeader(RequestIdFilter.HEADER),
                refusal,
                failure);
        if (refusal == null) {
            return;
        }
        rc.put(CLIENT_BODY_FAULT, Boolean.TRUE);
        if (response.headWritten()) {
            return;
        }
        ConnectionClose.afterAnswer(rc);
        AddressedApi.of(rc.request().uri()).send(response, refusal.error(), refusal.problemType());
        // Vert.x holds writes made while it reads and flushes them after the read, but closes the channel right after
        // this handler: the connection's own close flushes first (the response's close would not).
        rc.request().connection().close();
    }

    /** Routing-context key: the body could not be read through the client's fault, which is answered and logged. */
    private static final String CLIENT_BODY_FAULT = "ascendant.client-body-fault";

    void registerQuietBodyFaults(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(UnreadableRequests::quietBodyFault);
    }

    /**
     * After a body the client broke ({@link #answerUnreadableBody}: malformed chunk framing, a body read timeout),
     * the readers of that body fail the route with the same cause (a {@code NumberFormatException} from Netty's
     * chunk decoder, say) and then with the close ({@code HttpClosedException}); Quarkus' error handler logged each at
     * ERROR with a stack trace, as if the gateway had failed. Here such failures end quietly: the answer is given and
     * the one log line written when the fault was read. Every other failure goes on to the error handlers as before.
     */
    static void quietBodyFault(RoutingContext rc) {
        if (rc.get(CLIENT_BODY_FAULT) == null) {
            rc.next();
        }
    }

    /** The invalid-request handler: status as Vert.x chose it, a body in the addressed API's shape, then close. */
    void answer(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        boolean lineRead = !(NETTY_INVALID_TARGET.equals(request.uri()) && request.version() == HttpVersion.HTTP_1_0);
        Refusal refusal;
        if (cause instanceof Http1ExchangeGuard.RefusedHead refused) {
            refusal = refused.refusal();
        } else if (cause instanceof Http1ExchangeGuard.UnreadableBody) {
            refusal = Refusal.forBody(cause);
        } else {
            refusal = Refusal.forDecoderFailure(cause, lineRead, Refusal.Limits.current());
        }
        HttpServerResponse response = request.response();
        String gatewayId = RequestIdFilter.putIdsOnAnswer(request);
        logRefusal(
                "Refused an HTTP request the decoder could not read",
                gatewayId,
                response.headers().get(RequestIdFilter.HEADER),
                refusal,
                cause);
        ConnectionClose.afterAnswer(request);
        if (!lineRead || request.version() == null) {
            // Netty's stand-in request says HTTP/1.0; a request line naming another version (HTTP/2.0) is answered
            // in the version the gateway speaks over HTTP/1 framing.
            Http11StatusLine.forAnswerTo(request);
        }
        AddressedApi api = lineRead ? AddressedApi.of(request.uri()) : AddressedApi.OPENAI;
        api.send(response, refusal.error(), refusal.problemType());
        response.close();
    }

    /**
     * One line per refused request, at DEBUG: a bad client, not a fault of the gateway. It carries the request's ids
     * (in the MDC, as the log format prints them for routed requests, and in the text), the status and error code
     * when there is an answer, and the kind of failure; never the request line, headers or body, and no stack trace.
     */
    private static void logRefusal(
            String what, String gatewayId, String correlationId, Refusal refusal, Throwable cause) {
        // The line may run inside the request, whose ids are restored after it.
        RequestIdFilter.withRequestIds(
                correlationId != null ? correlationId : gatewayId,
                gatewayId,
                () -> Log.debugf(
                        "%s: %s (%s), request id %s",
                        what,
                        refusal == null
                                ? "no answer"
                                : refusal.error().status() + " "
                                        + refusal.error().code(),
                        cause == null ? "no cause" : cause.getClass().getSimpleName(),
                        gatewayId));
    }
}
