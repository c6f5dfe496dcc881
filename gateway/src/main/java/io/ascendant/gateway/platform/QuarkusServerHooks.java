package io.ascendant.gateway.platform;

import io.netty.channel.Channel;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.HttpServerWorker;
import io.vertx.core.impl.Deployment;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.SslChannelProvider;
import io.vertx.core.net.impl.TCPServerBase;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Puts the gateway's hooks on every connection of Quarkus' HTTP servers: {@link UnreadableRequests#answer} as the
 * connection's invalid-request handler, a {@link RequestReadClock} first in each accepted channel's pipeline, and
 * the {@link Http1ExchangeGuard} on HTTP/1 connections.
 *
 * <p>Why this reaches into Vert.x: such a request never reaches the router, so no route, filter or failure handler
 * can answer it. Vert.x hands it to {@code HttpServer#invalidRequestHandler} (default
 * {@code HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER}, the empty answer), but Quarkus 3.33 creates its servers
 * inside {@code VertxHttpRecorder$WebDeploymentVerticle} and never sets that handler, and offers no hook to
 * (HttpServerOptionsCustomizer sees the options only; quarkusio/quarkus#55082, open). The handler Vert.x captured at
 * {@code listen} is copied onto every new connection by the server's connection handler, so after each of Quarkus'
 * servers is listening this class wraps that connection handler (the final field
 * {@code HttpServerWorker.connectionHandler}, written by reflection on the worker's own event loop) with one that
 * then sets {@link UnreadableRequests#answer} as the connection's invalid-request handler through the public
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
final class QuarkusServerHooks {

    private static final String QUARKUS_VERTICLE =
            "io.quarkus.vertx.http.runtime.VertxHttpRecorder$WebDeploymentVerticle";

    private static final long RETRY_MILLIS = 5;
    private static final int MAX_RETRIES = 2_000;

    private final Vertx vertx;
    private final Handler<HttpServerRequest> answer;
    private final RequestReadClock.Timeouts timeouts;

    /**
     * @param answer the invalid-request handler every connection gets
     * @param timeouts the read timeouts of each accepted channel's {@link RequestReadClock}
     */
    QuarkusServerHooks(Vertx vertx, Handler<HttpServerRequest> answer, RequestReadClock.Timeouts timeouts) {
        this.vertx = vertx;
        this.answer = answer;
        this.timeouts = timeouts;
    }

    /** Installs the hooks, retrying every {@value #RETRY_MILLIS} ms while Quarkus' servers are still starting. */
    void installOrRetry(int attempt) {
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
}
