package io.ascendant.gateway.upstream;

import io.ascendant.gateway.dispatch.Pod;

/**
 * The tenant-side cancel switch of one {@link UpstreamCall}: when the client leaves before the answer began, {@link
 * #cancel} aborts the host attempt in progress (its connection is reset, so the host stops generating) and stops any
 * further attempt.
 *
 * <p>Why not only the {@code Uni} cancellation: the fault-tolerance guards around an attempt do not pass a downstream
 * cancellation on to the attempt, so a non-streamed request whose client left kept running on the host, and kept its
 * pod's in-flight accounting, until the first-byte timeout.
 *
 * <p>It also tells the data path whether the attempt in progress had handed the whole request to a host ({@link
 * #deliveredTo}): a host that had the prompt when the client left has worked on it, so the request is metered with its
 * prompt tokens. Thread-safe.
 */
public final class ClientCancellation {
    private volatile boolean cancelled;
    private volatile Runnable abortAttempt;
    private volatile Pod deliveredTo;

    /** Aborts the attempt in progress, if any, and every later one. Idempotent. */
    public void cancel() {
        cancelled = true;
        Runnable abort = abortAttempt;
        if (abort != null) {
            abort.run();
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    /**
     * The pod that received the whole request body in the attempt in progress (or the last one), or null when no
     * attempt got that far.
     */
    public Pod deliveredTo() {
        return deliveredTo;
    }

    /** The attempt in progress wrote the whole request to {@code pod}. */
    void delivered(Pod pod) {
        deliveredTo = pod;
    }

    /**
     * A new attempt begins: registers how to abort it (run at once when already cancelled) and forgets the delivery of
     * an earlier attempt (that host refused or could not be reached, so it did no work).
     */
    void onAbort(Runnable abort) {
        deliveredTo = null;
        abortAttempt = abort;
        if (cancelled) {
            abort.run();
        }
    }
}
