package io.ascendant.gateway.dispatch;

import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.config.DataPathConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.OptionalLong;

/**
 * The context window a route can actually serve. Its pods say what they serve ({@code max_model_len} in their
 * {@code GET /v1/models}, read by {@link HostPoller}); a vLLM started with a smaller {@code --max-model-len} than the
 * route's {@code contextLength} refuses longer requests itself. So a route's effective window is the smaller of its
 * configured {@code contextLength} (default 1048576, V4's full window, when no one set it) and the smallest window
 * among the ready, not draining pods of its pool that report one. A pod that reports none imposes nothing; with no
 * such pod the configured value stands.
 *
 * <p>Threading: reads the pods' volatile state; cheap enough for the request path (one pass over a pool's pods).
 */
@ApplicationScoped
public class PoolContextWindows {

    @Inject
    DataPathConfig config;

    @Inject
    PodRegistry registry;

    /** The route's effective context window in tokens (prompt plus output). */
    public long effective(ModelRoute route) {
        OptionalLong pods = reported(route.poolName());
        return pods.isPresent() ? Math.min(route.contextLength(), pods.getAsLong()) : route.contextLength();
    }

    /**
     * The smallest {@code max_model_len} among the pool's ready, not draining pods that report one, in tokens; empty
     * when none does (or the pool has no such pod).
     */
    public OptionalLong reported(String pool) {
        int unhealthyAfter = config.upstream().unhealthyAfter();
        long smallest = Long.MAX_VALUE;
        for (Pod p : registry.pods(pool)) {
            if (p.removed() || p.draining() || !p.ready(unhealthyAfter)) {
                continue;
            }
            OptionalLong len = p.maxModelLen();
            if (len.isPresent()) {
                smallest = Math.min(smallest, len.getAsLong());
            }
        }
        return smallest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(smallest);
    }
}
