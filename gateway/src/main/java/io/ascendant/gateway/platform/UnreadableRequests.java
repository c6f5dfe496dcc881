package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.error.GatewayException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.quarkus.logging.Log;
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
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests that the HTTP decoder cannot read (a request line that does not parse, such as an unencoded space in the
 * URL; a request line over {@code quarkus.http.limits.max-initial-line-length}; headers over
 * {@code quarkus.http.limits.max-header-size}; a malformed header; a chunked body with malformed chunk framing, see
 * {@link #watchChunkedBody}) are answered in the error shape of the API
 * addressed ({@link AddressedApi}) with a message naming the fault and the limit, instead of Vert.x's empty 400, 414
 * or 431. As before, the answer carries {@code Connection: close} and the connection is closed after it: the decoder
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
 * <p>Lifecycle: installed when Quarkus reports its HTTP server started ({@link HttpServerStart}, fired after the
 * first of its servers listens); servers still binding are retried every {@value #RETRY_MILLIS} ms. Connections
 * accepted before the installation keep Vert.x's answer.
 */
@ApplicationScoped
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
     * Wraps the connection handler of every listening Quarkus HTTP server; false while none is found or one is not
     * listening yet.
     */
    private boolean install() throws ReflectiveOperationException {
        Field childHandler = TCPServerBase.class.getDeclaredField("childHandler");
        childHandler.setAccessible(true);
        Field connectionHandler = HttpServerWorker.class.getDeclaredField("connectionHandler");
        connectionHandler.setAccessible(true);
        Field workerContext = HttpServerWorker.class.getDeclaredField("context");
        workerContext.setAccessible(true);
        List<HttpServer> servers = quarkusServers();
        // Vert.x lists a deployment once all its verticle instances have started: until then, none is found.
        boolean complete = !servers.isEmpty();
        for (HttpServer server : servers) {
            Object worker = childHandler.get(server);
            if (!(worker instanceof HttpServerWorker w)) {
                complete = false; // not listening yet
                continue;
            }
            Context context = (Context) workerContext.get(w);
            context.runOnContext(ignored -> wrap(connectionHandler, w));
        }
        return complete;
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

    /** The HTTP servers of Quarkus' web verticles (HTTP, HTTPS, domain socket: whichever exist). */
    private List<HttpServer> quarkusServers() throws IllegalAccessException {
        List<HttpServer> servers = new ArrayList<>();
        VertxInternal internal = (VertxInternal) vertx;
        for (String id : vertx.deploymentIDs()) {
            Deployment deployment = internal.getDeployment(id);
            if (deployment == null) {
                continue;
            }
            for (Verticle verticle : deployment.getVerticles()) {
                if (!verticle.getClass().getName().equals(QUARKUS_VERTICLE)) {
                    continue;
                }
                for (Field f : verticle.getClass().getDeclaredFields()) {
                    if (HttpServer.class.isAssignableFrom(f.getType())) {
                        f.setAccessible(true);
                        if (f.get(verticle) instanceof HttpServer server) {
                            servers.add(server);
                        }
                    }
                }
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
            }
        }
    }

    /** After {@link RequestIdFilter} (1,000,000), so answers carry the request id; before everything else. */
    private static final int CHUNKED_BODY_FILTER_PRIORITY = 995_000;

    void registerChunkedBodyWatch(@Observes Filters filters) {
        filters.register(UnreadableRequests::watchChunkedBody, CHUNKED_BODY_FILTER_PRIORITY);
    }

    /**
     * A chunked body whose chunk framing is malformed (a chunk size that is not hexadecimal, say) fails the whole
     * connection, not the route: the decoder's error reaches the connection's exception handler, then the request's
     * body readers, and Vert.x closes the connection, so the client got no answer at all. For HTTP/1 requests with a
     * {@code Transfer-Encoding}, the connection's exception handler (Vert.x's default only logs at trace level) is
     * set to one that first answers 400 in the addressed API's shape, unless the answer has started; Vert.x then
     * closes the connection as before. The check costs one header look-up per request.
     */
    static void watchChunkedBody(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (request.version() != HttpVersion.HTTP_2 && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            request.connection().exceptionHandler(failure -> answerUnreadableBody(rc, failure));
        }
        rc.next();
    }

    private static void answerUnreadableBody(RoutingContext rc, Throwable failure) {
        HttpServerResponse response = rc.response();
        boolean decoding = failure instanceof DecoderException || failure instanceof IllegalArgumentException;
        Log.debugf(
                "HTTP connection failed while reading a chunked body: %s",
                failure.getClass().getSimpleName());
        if (!decoding || response.headWritten()) {
            return;
        }
        ConnectionClose.afterAnswer(rc);
        AddressedApi.of(rc.request().uri())
                .send(
                        response,
                        new GatewayException.UnreadableRequest(
                                400,
                                "The request body is malformed: its chunked transfer coding could not be read (each"
                                        + " chunk must start with its size in hexadecimal digits on a line of its"
                                        + " own, and a chunk of size 0 ends the body).",
                                "invalid_chunked_body"),
                        ProblemType.INVALID_INPUT);
        // Vert.x holds writes made while it reads and flushes them after the read, but closes the channel right after
        // this handler: the connection's own close flushes first (the response's close would not).
        rc.request().connection().close();
    }

    /** The invalid-request handler: status as Vert.x chose it, a body in the addressed API's shape, then close. */
    void answer(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        boolean lineRead = !(NETTY_INVALID_TARGET.equals(request.uri()) && request.version() == HttpVersion.HTTP_1_0);
        Refusal refusal = refusal(cause, lineRead, Limits.current());
        HttpServerResponse response = request.response();
        Log.debugf(
                "Refused an HTTP request the decoder could not read: %d (%s)",
                refusal.error().status(),
                cause == null ? "no cause" : cause.getClass().getSimpleName());
        response.putHeader(
                RequestIdFilter.HEADER, RequestIdFilter.acceptOrGenerate(request.getHeader(RequestIdFilter.HEADER)));
        ConnectionClose.afterAnswer(request);
        AddressedApi api = lineRead ? AddressedApi.of(request.uri()) : AddressedApi.OPENAI;
        api.send(response, refusal.error(), refusal.problemType());
        response.close();
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
