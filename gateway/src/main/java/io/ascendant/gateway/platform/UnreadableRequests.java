package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.error.GatewayException;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.HttpServerWorker;
import io.vertx.core.impl.Deployment;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.SslChannelProvider;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.MDC;

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
 * <p>Why this reaches into Vert.x: such a request never reaches the router, so no route, filter or failure handler
 * can answer it. Vert.x hands it to {@code HttpServer#invalidRequestHandler} (default
 * {@code HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER}, the empty answer), but Quarkus 3.33 creates its servers
 * inside {@code VertxHttpRecorder$WebDeploymentVerticle} and never sets that handler, and offers no hook to
 * (HttpServerOptionsCustomizer sees the options only; quarkusio/quarkus#55082, open). The handler Vert.x captured at
 * {@code listen} is copied onto every new connection by the server's connection handler, so after each of Quarkus'
 * servers is listening this class wraps that connection handler (the final field
 * {@code HttpServerWorker.connectionHandler}, written by reflection on the worker's own event loop) with one that
 * then sets {@link #answer} as the connection's invalid-request handler through the public
 * {@code HttpServerConnection#invalidRequestHandler}. This is the smallest change that covers every connection, the
 * lazily configured HTTP/1 pipelines of cleartext HTTP/2 detection included; a wrapper around the Netty pipeline
 * would miss those. It depends on Vert.x 4.5 internals (field names checked at start-up): should they change, or a
 * future JDK refuse to write final fields, start-up logs a warning and such requests get Vert.x's empty answer again;
 * {@code UnreadableRequestTest} fails then.
 *
 * <p>Lifecycle: installed when Quarkus reports its HTTP server started ({@link HttpServerStart}), and retried every
 * {@value #RETRY_MILLIS} ms until every server of every instance of Quarkus' web verticle is found listening and
 * wrapped. The trap: Quarkus deploys one verticle instance per event loop, each starting on its own loop and creating
 * its own servers, and fires the event when the <em>first</em> instance's server listens; Vert.x lists the deployment
 * once that first instance has started, with all instances in it. An instance that had not run its start yet then
 * had no server, and was once skipped as if it had none: its share of the connections (one in four with four event
 * loops) was never timed nor guarded ({@link #serversOf}). Connections accepted in the moment between a server's
 * listen and the wrap (on that server's event loop, just after Quarkus reports the server started) keep Vert.x's
 * defaults; Quarkus offers no hook before its servers listen.
 */
@ApplicationScoped
@Startup
public class UnreadableRequests {

    private static final String QUARKUS_VERTICLE =
            "io.quarkus.vertx.http.runtime.VertxHttpRecorder$WebDeploymentVerticle";
    /** Netty's stand-in for a request whose request line could not be read. */
    private static final String NETTY_INVALID_TARGET = "/bad-request";

    private static final long RETRY_MILLIS = 5;
    private static final int MAX_RETRIES = 2_000;

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
        installOrRetry(0);
    }

    private void installOrRetry(int attempt) {
        boolean complete;
        try {
            complete = install();
        } catch (ReflectiveOperationException | RuntimeException e) {
            Log.warnf(
                    "Unreadable HTTP requests keep Vert.x's empty answer: its server internals are not as expected"
                            + " (%s)",
                    e.toString());
            return;
        }
        if (!complete && attempt < MAX_RETRIES) {
            vertx.setTimer(RETRY_MILLIS, id -> installOrRetry(attempt + 1));
        } else if (!complete) {
            Log.warn("Unreadable HTTP requests keep Vert.x's empty answer: Quarkus' HTTP servers were not found");
        }
    }

    /**
     * Wraps the connection handler of every listening Quarkus HTTP server; false while none is found, while an
     * instance of Quarkus' verticle has not created its servers yet, or while one is not listening yet.
     */
    private boolean install() throws ReflectiveOperationException {
        Field childHandler = TCPServerBase.class.getDeclaredField("childHandler");
        childHandler.setAccessible(true);
        Field connectionHandler = HttpServerWorker.class.getDeclaredField("connectionHandler");
        connectionHandler.setAccessible(true);
        Field workerContext = HttpServerWorker.class.getDeclaredField("context");
        workerContext.setAccessible(true);
        List<HttpServer> servers = quarkusServers();
        if (servers == null) {
            return false; // an instance has not created its servers yet
        }
        boolean complete = !servers.isEmpty(); // Vert.x lists the deployment once its first instance has started
        for (HttpServer server : servers) {
            Object worker = childHandler.get(server);
            if (worker instanceof StartingReadClock starting) {
                worker = starting.delegate();
            }
            if (!(worker instanceof HttpServerWorker w)) {
                complete = false; // not listening yet
                continue;
            }
            Context context = (Context) workerContext.get(w);
            context.runOnContext(ignored -> {
                wrap(connectionHandler, w);
                wrapAccept(childHandler, server);
            });
        }
        return complete;
    }

    /**
     * Wraps the server's handler of accepted channels (the private field {@code TCPServerBase.childHandler}, which
     * Vert.x reads again for every accepted channel) so that every new connection starts its
     * {@link RequestReadClock} before Vert.x configures it.
     */
    @SuppressWarnings("unchecked")
    private void wrapAccept(Field childHandler, HttpServer server) {
        try {
            Object current = childHandler.get(server);
            if (!(current instanceof StartingReadClock)) {
                childHandler.set(
                        server, new StartingReadClock((BiConsumer<Channel, SslChannelProvider>) current, timeouts));
            }
        } catch (IllegalAccessException | ClassCastException e) {
            Log.warnf("HTTP request reads are not timed: %s", e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private void wrap(Field connectionHandler, HttpServerWorker worker) {
        try {
            Object current = connectionHandler.get(worker);
            if (!(current instanceof SettingInvalidRequestHandler)) {
                connectionHandler.set(
                        worker, new SettingInvalidRequestHandler((Handler<HttpServerConnection>) current, answer));
            }
        } catch (IllegalAccessException e) {
            Log.warnf("Unreadable HTTP requests keep Vert.x's empty answer: %s", e.toString());
        }
    }

    /**
     * The HTTP servers of every instance of Quarkus' web verticle (HTTP, HTTPS, domain socket: whichever exist), or
     * null while an instance has not created all of them yet ({@link #serversOf}).
     */
    private List<HttpServer> quarkusServers() throws IllegalAccessException {
        List<Object> verticles = new ArrayList<>();
        VertxInternal internal = (VertxInternal) vertx;
        for (String id : vertx.deploymentIDs()) {
            Deployment deployment = internal.getDeployment(id);
            if (deployment == null) {
                continue;
            }
            for (Verticle verticle : deployment.getVerticles()) {
                if (verticle.getClass().getName().equals(QUARKUS_VERTICLE)) {
                    verticles.add(verticle);
                }
            }
        }
        return serversOf(verticles);
    }

    /**
     * The servers that the instances of one verticle class hold in their {@link HttpServer} fields, or null while an
     * instance lacks a server that another instance has. Each instance creates all its servers in its own start, on
     * its own event loop, before any of them listens; the deployment is visible (and {@link HttpServerStart} fired)
     * once the first instance has started, so an instance that has not started yet is seen with null fields. It is
     * not an instance without servers: the pass must wait for it, not skip it.
     */
    static List<HttpServer> serversOf(List<?> verticles) throws IllegalAccessException {
        List<HttpServer> servers = new ArrayList<>();
        Set<String> kinds = new HashSet<>(); // the server fields set on some instance
        List<Set<String>> perInstance = new ArrayList<>();
        for (Object verticle : verticles) {
            Set<String> own = new HashSet<>();
            for (Field f : verticle.getClass().getDeclaredFields()) {
                if (HttpServer.class.isAssignableFrom(f.getType())) {
                    f.setAccessible(true);
                    if (f.get(verticle) instanceof HttpServer server) {
                        servers.add(server);
                        own.add(f.getName());
                    }
                }
            }
            kinds.addAll(own);
            perInstance.add(own);
        }
        for (Set<String> own : perInstance) {
            if (!own.containsAll(kinds)) {
                return null;
            }
        }
        return servers;
    }

    /**
     * Runs the server's own connection set-up, then replaces the invalid-request handler it gave the connection and,
     * on an HTTP/1.x connection, adds the {@link Http1ExchangeGuard} to its pipeline.
     */
    private record SettingInvalidRequestHandler(
            Handler<HttpServerConnection> delegate, Handler<HttpServerRequest> invalidRequestHandler)
            implements Handler<HttpServerConnection> {
        @Override
        public void handle(HttpServerConnection connection) {
            delegate.handle(connection);
            connection.invalidRequestHandler(invalidRequestHandler);
            if (connection instanceof Http1xServerConnection http1) {
                Http1ExchangeGuard.install(http1.channelHandlerContext().pipeline());
            } else if (connection instanceof ConnectionBase other
                    && other.channelHandlerContext().pipeline().get(RequestReadClock.NAME) != null) {
                other.channelHandlerContext().pipeline().remove(RequestReadClock.NAME); // HTTP/2: not timed here
            }
        }
    }

    /** Starts a {@link RequestReadClock} first in the pipeline of each accepted channel, then lets Vert.x set it up. */
    private record StartingReadClock(
            BiConsumer<Channel, SslChannelProvider> delegate, RequestReadClock.Timeouts timeouts)
            implements BiConsumer<Channel, SslChannelProvider> {
        @Override
        public void accept(Channel channel, SslChannelProvider ssl) {
            channel.pipeline().addFirst(RequestReadClock.NAME, new RequestReadClock(timeouts));
            delegate.accept(channel, ssl);
        }
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
        Refusal refusal = bodyRefusal(failure);
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

    /** The answer to a connection failure while a body is read; null for failures that get none (a reset). */
    static Refusal bodyRefusal(Throwable failure) {
        if (failure instanceof RequestReadClock.BodyReadTimeout timeout && timeout.whole()) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            408,
                            "The request body did not arrive in time: it was not complete within "
                                    + timeout.timeout().toMillis()
                                    + " ms of the request head, the limit; send the whole body at once.",
                            "request_timeout"),
                    ProblemType.REQUEST_TIMEOUT);
        }
        if (failure instanceof RequestReadClock.BodyReadTimeout timeout) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            408,
                            "The request body stopped arriving: no byte of it came for "
                                    + timeout.timeout().toMillis()
                                    + " ms, the limit; send the whole body without pausing.",
                            "request_timeout"),
                    ProblemType.REQUEST_TIMEOUT);
        }
        if (failure instanceof DecoderException || failure instanceof IllegalArgumentException) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            400,
                            "The request body is malformed: its chunked transfer coding could not be read (each"
                                    + " chunk must start with its size in hexadecimal digits on a line of its"
                                    + " own, and a chunk of size 0 ends the body).",
                            "invalid_chunked_body"),
                    ProblemType.INVALID_INPUT);
        }
        return null;
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
            refusal = bodyRefusal(cause);
        } else {
            refusal = refusal(cause, lineRead, Limits.current());
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
        Object outerId = MDC.get(RequestIdFilter.MDC_KEY); // restored after: the line may run inside the request
        Object outerGatewayId = MDC.get(RequestIdFilter.GATEWAY_MDC_KEY);
        MDC.put(RequestIdFilter.MDC_KEY, correlationId != null ? correlationId : gatewayId);
        MDC.put(RequestIdFilter.GATEWAY_MDC_KEY, gatewayId);
        try {
            Log.debugf(
                    "%s: %s (%s), request id %s",
                    what,
                    refusal == null
                            ? "no answer"
                            : refusal.error().status() + " " + refusal.error().code(),
                    cause == null ? "no cause" : cause.getClass().getSimpleName(),
                    gatewayId);
        } finally {
            restore(RequestIdFilter.MDC_KEY, outerId);
            restore(RequestIdFilter.GATEWAY_MDC_KEY, outerGatewayId);
        }
    }

    private static void restore(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** The answer to a request the decoder failed on with {@code cause}; {@code lineRead}: the request line parsed. */
    static Refusal refusal(Throwable cause, boolean lineRead, Limits limits) {
        if (cause instanceof TooLongHttpLineException) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            414,
                            "The request line (method, URL and HTTP version) is longer than the limit of "
                                    + limits.maxInitialLineLength()
                                    + " bytes; shorten the URL (send long parameters in the request body).",
                            "url_too_long"),
                    ProblemType.URI_TOO_LONG);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            431,
                            "The request headers are larger than the limit of " + limits.maxHeaderSize()
                                    + " bytes; send fewer or shorter headers.",
                            "headers_too_large"),
                    ProblemType.HEADERS_TOO_LARGE);
        }
        if (!lineRead) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            400,
                            "The request line is malformed: it must be the method, one space, the URL, one space"
                                    + " and the HTTP version, with every space and other character that is not"
                                    + " allowed in a URL percent-encoded (a space as %20).",
                            "invalid_request_line"),
                    ProblemType.INVALID_INPUT);
        }
        return new Refusal(
                new GatewayException.UnreadableRequest(
                        400,
                        "The request headers are malformed: each must be 'Name: value' on a line of its own, with"
                                + " at most one Content-Length, which must agree with Transfer-Encoding.",
                        "invalid_headers"),
                ProblemType.INVALID_INPUT);
    }

    /**
     * How a request is refused.
     *
     * @param error the status, message and code (tenant API shapes)
     * @param problemType the problem type on admin and platform paths
     */
    record Refusal(GatewayException error, ProblemType problemType) {}

    /**
     * The decoder's limits as configured.
     *
     * @param maxInitialLineLength bytes of the request line ({@code quarkus.http.limits.max-initial-line-length})
     * @param maxHeaderSize bytes of all headers ({@code quarkus.http.limits.max-header-size})
     */
    record Limits(long maxInitialLineLength, long maxHeaderSize) {
        /** Quarkus' defaults: 4096 bytes and 20 KiB. */
        static Limits current() {
            var config = ConfigProvider.getConfig();
            MemorySizeConverter sizes = new MemorySizeConverter();
            long line = config.getOptionalValue("quarkus.http.limits.max-initial-line-length", Long.class)
                    .orElse(4096L);
            long headers = config.getOptionalValue("quarkus.http.limits.max-header-size", String.class)
                    .map(v -> sizes.convert(v).asLongValue())
                    .orElse(20L * 1024);
            return new Limits(line, headers);
        }
    }
}
