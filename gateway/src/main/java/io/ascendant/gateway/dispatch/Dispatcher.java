package io.ascendant.gateway.dispatch;

import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.error.GatewayException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the pods for a request, modelled on the Kubernetes Inference Extension's endpoint picker: filter, score,
 * order.
 *
 * <ol>
 *   <li>Filter: ready (active health checks), not draining, not removed, circuit not open.
 *   <li>Saturation: a pod is saturated when its load sample is stale ({@code metrics-stale-after}), its queue or
 *       KV-cache use reaches the threshold, or the gateway's own in-flight tokens to it reach theirs. No pod left
 *       after the filter gives 503; only saturated pods give 429 with {@code Retry-After}.
 *   <li>Score (higher is better): {@code wPrefix * matchedLeadingBlocks/blocks + wQueue * (1 - waiting/maxQueue) +
 *       wKv * (1 - kvUse) + wInFlight * (1 - inFlightTokens/maxInFlight)}; ties go to fewer in-flight requests, then
 *       rotate. The sorted list is the fallback order.
 * </ol>
 */
@ApplicationScoped
public class Dispatcher {

    @Inject
    DataPathConfig config;

    @Inject
    PodRegistry registry;

    private final AtomicInteger rotation = new AtomicInteger();

    /**
     * @param route the resolved model route
     * @param prefixHashes the prompt's chained block hashes (may be empty)
     * @param tokens prompt estimate plus requested output tokens, for in-flight accounting
     * @throws GatewayException.NoCapacity when no pod of the pool is ready
     * @throws GatewayException.RateLimited when every ready pod is saturated
     */
    public DispatchPlan plan(ModelRoute route, long[] prefixHashes, long tokens) {
        DataPathConfig.Dispatch d = config.dispatch();
        int unhealthyAfter = config.upstream().unhealthyAfter();
        List<Pod> pods = registry.pods(route.poolName());
        long now = System.nanoTime();
        long staleNanos = d.metricsStaleAfter().toNanos();
        long breakerDelay = config.upstream().breakerDelay().toNanos();
        List<Pod> candidates = new ArrayList<>(pods.size());
        int ready = 0;
        for (Pod p : pods) {
            if (!p.inRotation(unhealthyAfter) || p.circuitBlocks(now, breakerDelay)) {
                continue;
            }
            ready++;
            if (p.loadAgeNanos(now) > staleNanos
                    || p.load().waiting() >= d.saturationQueueDepth()
                    || p.load().kvCacheUsage() >= d.saturationKvCache()
                    || p.inFlightTokens() >= d.saturationInFlightTokens()) {
                continue;
            }
            candidates.add(p);
        }
        if (ready == 0) {
            throw new GatewayException.NoCapacity("No ready host for model `" + route.publicName() + "` (pool "
                    + route.poolName() + ": " + pods.size() + " endpoints, 0 ready). Retry later.");
        }
        if (candidates.isEmpty()) {
            throw new GatewayException.RateLimited(
                    "All " + ready + " hosts for model `" + route.publicName() + "` are saturated. Retry after "
                            + d.retryAfterSeconds() + " s.",
                    "hosts_saturated",
                    d.retryAfterSeconds());
        }
        int start = Math.floorMod(rotation.getAndIncrement(), candidates.size());
        if ("round-robin".equalsIgnoreCase(d.strategy())) {
            List<Pod> rr = new ArrayList<>(candidates.size());
            for (int i = 0; i < candidates.size(); i++) {
                rr.add(candidates.get((start + i) % candidates.size()));
            }
            return new DispatchPlan(rr, prefixHashes, tokens);
        }
        int n = candidates.size();
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            score[i] = score(candidates.get(i), prefixHashes, d);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = (start + i) % n;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Double.compare(score[b], score[a]);
            if (c != 0) {
                return c;
            }
            return Integer.compare(
                    candidates.get(a).inFlightRequests(), candidates.get(b).inFlightRequests());
        });
        List<Pod> sorted = new ArrayList<>(n);
        for (Integer i : order) {
            sorted.add(candidates.get(i));
        }
        return new DispatchPlan(sorted, prefixHashes, tokens);
    }

    static double score(Pod p, long[] hashes, DataPathConfig.Dispatch d) {
        double prefix = hashes.length == 0 ? 0 : (double) p.prefixIndex().leadingMatches(hashes) / hashes.length;
        double queue = 1 - Math.min(1.0, Math.max(0, p.load().waiting()) / d.saturationQueueDepth());
        double kv = 1 - Math.min(1.0, Math.max(0, p.load().kvCacheUsage()));
        double inFlight = 1 - Math.min(1.0, (double) p.inFlightTokens() / d.saturationInFlightTokens());
        // Round to 1e-6 so that float noise does not defeat the tie-breakers.
        double s = d.weightPrefix() * prefix
                + d.weightQueue() * queue
                + d.weightKvCache() * kv
                + d.weightInFlight() * inFlight;
        return Math.round(s * 1e3) / 1e3;
    }
}
