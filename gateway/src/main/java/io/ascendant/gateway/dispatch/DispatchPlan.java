package io.ascendant.gateway.dispatch;

import java.util.List;

/**
 * The ordered pods one request may go to: the best first, then the fallbacks. The upstream client takes them in
 * order, each retry on the next pod. Not thread-safe: one per request, used by the retry loop only.
 */
public final class DispatchPlan {
    private final List<Pod> ordered;
    private final long[] prefixHashes;
    private final long tokens;
    private int next;

    DispatchPlan(List<Pod> ordered, long[] prefixHashes, long tokens) {
        this.ordered = ordered;
        this.prefixHashes = prefixHashes;
        this.tokens = tokens;
    }

    /** The next pod to try, or null when all were tried. */
    public Pod nextPod() {
        return next < ordered.size() ? ordered.get(next++) : null;
    }

    /** Pods in preference order. */
    public List<Pod> ordered() {
        return ordered;
    }

    /** The prompt's prefix block hashes (remembered on the pod that serves it). */
    public long[] prefixHashes() {
        return prefixHashes;
    }

    /** Tokens accounted in flight on the serving pod (prompt estimate plus requested output). */
    public long tokens() {
        return tokens;
    }
}
