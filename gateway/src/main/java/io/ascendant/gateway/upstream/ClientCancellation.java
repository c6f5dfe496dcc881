package io.ascendant.gateway.upstream;

/**
 * The tenant-side cancel switch of one {@link UpstreamCall}: when the client leaves before the answer began, {@link
 * #cancel} aborts the host attempt in progress (its connection is reset, so the host stops generating) and stops any
 * further attempt.
 *
 * <p>Why not only the {@code Uni} cancellation: the fault-tolerance guards around an attempt do not pass a downstream
 * cancellation on to the attempt, so a non-streamed request whose client left kept running on the host, and kept its
 * pod's in-flight accounting, until the first-byte timeout. Thread-safe.
 */
public final class ClientCancellation {
    private volatile boolean cancelled;
    private volatile Runnable abortAttempt;

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

    /** Registers how to abort the attempt now in progress; runs it at once when already cancelled. */
    void onAbort(Runnable abort) {
        abortAttempt = abort;
        if (cancelled) {
            abort.run();
        }
    }
}
