package io.ascendant.gateway.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a blocking admission on a worker thread and gives its answer within a deadline, whatever the worker waits for
 * (a pooled connection, a stalled PostgreSQL, a limits lookup on a cache miss). When the deadline passes first, the
 * returned future fails with {@link java.util.concurrent.TimeoutException} and the request is answered from that; the
 * worker cannot be interrupted out of JDBC, so it runs on, and whatever it admits after the deadline is handed to
 * {@code tooLate} (which releases it) instead of being used, so nothing stays held for a request that was refused. An
 * admission that had not started on a worker when the deadline passed never starts.
 *
 * <p>Exactly one of the two outcomes wins ({@link CompletableFuture#complete} is atomic): a ticket is either the
 * request's or released, never both and never neither.
 */
final class AdmissionDeadline {

    private AdmissionDeadline() {}

    /**
     * @param workers where {@code admission} runs
     * @param deadline how long the caller waits for it
     * @param admission the blocking admission; its exceptions fail the returned future
     * @param tooLate receives a result that arrived after the deadline (or after the future was cancelled)
     * @return completes with the admission's result, or fails with its exception, or with a {@code TimeoutException}
     *     after {@code deadline}
     */
    static <T> CompletableFuture<T> run(
            Executor workers, Duration deadline, Supplier<T> admission, Consumer<? super T> tooLate) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            workers.execute(() -> {
                if (answer.isDone()) {
                    return; // answered (timed out or cancelled) before a worker was free: admit nothing
                }
                T result;
                try {
                    result = admission.get();
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                    return;
                }
                if (!answer.complete(result)) {
                    tooLate.accept(result);
                }
            });
        } catch (RejectedExecutionException e) {
            answer.completeExceptionally(e);
        }
        return answer.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
}
