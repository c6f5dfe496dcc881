package io.ascendant.gateway.upstream;

import io.ascendant.gateway.config.DataPathConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link UpstreamClient}'s HTTP clients to the hosts: one per event loop, so that a request's host connection
 * lives on the request's own event loop. Vert.x's shared pool hands any idle connection to any caller; a connection
 * opened on another loop reads the host's answer there and hands every event over to the request's loop (two
 * cross-thread wake-ups per request, measured as a second busy event loop at concurrency 1). Thread-safe.
 */
final class EventLoopHttpClients {
    private final Vertx vertx;
    private final DataPathConfig.Upstream config;
    private final Map<Object, HttpClient> byEventLoop = new ConcurrentHashMap<>();

    /** For calls made off an event loop (none on the data path; kept so such a call still works). */
    private final HttpClient shared;

    EventLoopHttpClients(Vertx vertx, DataPathConfig.Upstream config) {
        this.vertx = vertx;
        this.config = config;
        this.shared = newClient(config.connectionsPerPod());
    }

    /**
     * The calling event loop's client; {@code connections-per-pod} is split evenly over the event loops (rounded up)
     * so the total per pod stays what is configured.
     */
    HttpClient current() {
        if (!(Vertx.currentContext() instanceof ContextInternal ctx) || !ctx.isEventLoopContext()) {
            return shared;
        }
        return byEventLoop.computeIfAbsent(ctx.nettyEventLoop(), loop -> {
            int loops = 0;
            for (var ignored : ((VertxInternal) vertx).getEventLoopGroup()) {
                loops++;
            }
            int perLoop = (config.connectionsPerPod() + loops - 1) / Math.max(1, loops);
            return newClient(Math.max(1, perLoop));
        });
    }

    void close() {
        byEventLoop.values().forEach(HttpClient::close);
        shared.close();
    }

    private HttpClient newClient(int poolSize) {
        return vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(poolSize)
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxWaitQueueSize(-1)
                .setName("gateway-upstream"));
    }
}
