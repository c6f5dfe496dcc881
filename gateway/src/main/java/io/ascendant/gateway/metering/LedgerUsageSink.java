package io.ascendant.gateway.metering;

import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.streaming.LiveStreams;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers usage to billing's {@link UsageLedger} (contract 2) without holding a thread per event: each event is
 * submitted to the ledger's group commit ({@link UsageLedger#submit}) and its outcome handled when the commit lands.
 * With {@code gateway.metering.acknowledge=journal} the event is first appended to the {@link UsageJournal} and the
 * caller is released at once; the journal forgets it once the ledger committed it. A failed write is retried up to
 * {@code gateway.metering.max-attempts} times, {@code gateway.metering.retry-delay} apart, with the same request id;
 * the ledger's idempotency makes the retry safe. After a successful write a {@link Metered} event is fired
 * (synchronously, on the ledger's writer thread: observers must be quick).
 */
@ApplicationScoped
public class LedgerUsageSink implements UsageSink {

    @Inject
    UsageLedger ledger;

    @Inject
    DataPathConfig config;

    @Inject
    Event<Metered> metered;

    @Inject
    UsageJournalService journals;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /**
     * Journalled events wait here up to {@code gateway.metering.journal-linger} before their ledger delivery starts,
     * so that at low concurrency one ledger commit (and one wake-up of the writer and PostgreSQL) serves many
     * requests instead of one each; the answers do not wait for it.
     */
    private final ConcurrentLinkedQueue<Runnable> lingering = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /** Deliveries started and not yet committed or given up; shutdown waits for them before the ledger closes. */
    private final Set<CompletableFuture<Boolean>> outstanding = ConcurrentHashMap.newKeySet();

    /** Ends lingers and schedules retries; the deliveries themselves never block it. */
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("usage-ledger-linger").factory());

    @Override
    public CompletionStage<Void> submit(UsageEvent event, List<HeldBudget> holds) {
        UsageJournal journal = journals.journal();
        if (journal != null) {
            UsageJournal.Segment segment = null;
            try {
                segment = journal.append(new UsageJournal.Entry(event, holds));
            } catch (IOException | RuntimeException e) {
                Log.warnf(
                        "Usage of request %s could not be journalled (%s); its answer waits for the ledger",
                        event.requestId(), e.getMessage());
            }
            if (segment != null) {
                UsageJournal.Segment s = segment;
                afterLinger(() -> deliver(event).thenAccept(committed -> {
                    if (committed) {
                        journal.acknowledged(s);
                    } else {
                        journal.retain(s);
                    }
                }));
                return DONE;
            }
        }
        return deliver(event).thenApply(committed -> null);
    }

    private void afterLinger(Runnable delivery) {
        long linger = config.metering().journalLinger().toMillis();
        if (linger <= 0) {
            delivery.run();
            return;
        }
        lingering.add(delivery);
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                flusher.schedule(this::flushLingering, linger, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) { // shutting down
                flushLingering();
            }
        }
    }

    private void flushLingering() {
        flushScheduled.set(false);
        for (Runnable r = lingering.poll(); r != null; r = lingering.poll()) {
            r.run();
        }
    }

    /**
     * Records one event in the ledger, retrying transient failures; fires {@link Metered} on success. Never blocks.
     *
     * @return completes with whether the ledger committed it (false: given up after {@code
     *     gateway.metering.max-attempts}, logged)
     */
    CompletableFuture<Boolean> deliver(UsageEvent event) {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        outstanding.add(outcome);
        outcome.whenComplete((committed, t) -> outstanding.remove(outcome));
        attempt(event, 1, outcome);
        return outcome;
    }

    private void attempt(UsageEvent event, int attempt, CompletableFuture<Boolean> outcome) {
        CompletionStage<RatedUsage> write;
        try {
            write = ledger.submit(event);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((rated, failure) -> {
            if (failure == null) {
                try {
                    metered.fire(new Metered(event, rated));
                } finally {
                    outcome.complete(true);
                }
                return;
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            int attempts = config.metering().maxAttempts();
            if (attempt >= attempts) {
                Log.errorf(
                        "Usage of request %s (tenant %s) could not be recorded after %d attempts: %s",
                        event.requestId(), event.tenantId(), attempt, describe(cause));
                outcome.complete(false);
                return;
            }
            Log.warnf(
                    "Recording usage of request %s failed (attempt %d of %d), retrying: %s",
                    event.requestId(), attempt, attempts, describe(cause));
            try {
                flusher.schedule(
                        () -> attempt(event, attempt + 1, outcome),
                        config.metering().retryDelay().toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) { // shutting down: a journalled event is replayed at next start
                outcome.complete(false);
            }
        });
    }

    private static String describe(Throwable t) {
        return t instanceof TimeoutException ? "no commit within billing.ledger.record-timeout" : t.getMessage();
    }

    /**
     * Shutdown, after the last streams ended ({@link LiveStreams}) and before any bean is destroyed: starts the
     * deliveries still lingering, waits (up to {@code billing.ledger.record-timeout} plus the retries) for every
     * delivery in flight, then closes the ledger, which commits what it has queued. All of this happens while the
     * datasource is still open; what is still not committed then stays in the journal for the next start.
     */
    void flushAtShutdown(@Observes @Priority(LiveStreams.LEDGER_FLUSH_PRIORITY) ShutdownEvent ev) {
        flushLingering();
        List<CompletableFuture<Boolean>> pending = List.copyOf(outstanding);
        if (!pending.isEmpty()) {
            long waitMs = config.metering().retryDelay().toMillis()
                            * config.metering().maxAttempts()
                    + 30_000;
            Log.infof("Shutdown: waiting for %d usage record(s) to reach the usage ledger", pending.size());
            try {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                        .get(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                Log.warnf(
                        "Shutdown: %d usage record(s) not recorded in the usage ledger within %d ms; the journal keeps"
                                + " them for the next start",
                        outstanding.size(), waitMs);
            }
        }
        ledger.close();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        flusher.shutdown();
        flushLingering();
        flusher.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Fired after the ledger durably recorded a request's usage. */
    public record Metered(UsageEvent event, RatedUsage rated) {}
}
