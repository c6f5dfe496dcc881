package io.ascendant.gateway.metering;

import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.config.DataPathConfig;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers usage to billing's {@link UsageLedger} (contract 2). {@link UsageLedger#record} blocks until its group
 * commit is durable, so each event is recorded on its own virtual thread: thousands of requests per second wait on a
 * handful of commits without holding platform threads. With {@code gateway.metering.acknowledge=journal} the event is
 * first appended to the {@link UsageJournal} and the caller is released at once; the journal forgets it once the
 * ledger committed it. A failed write is retried up to {@code
 * gateway.metering.max-attempts} times with the same request id; the ledger's idempotency makes the retry safe.
 * After a successful write a {@link Metered} event is fired (synchronously, on the virtual thread).
 */
@ApplicationScoped
public class LedgerUsageSink implements UsageSink {

    @Inject
    UsageLedger ledger;

    @Inject
    DataPathConfig config;

    @Inject
    Event<Metered> metered;

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("usage-ledger-", 0).factory());

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
                afterLinger(() -> {
                    if (deliver(event)) {
                        journal.acknowledged(s);
                    } else {
                        journal.retain(s);
                    }
                });
                return DONE;
            }
        }
        CompletableFuture<Void> durable = new CompletableFuture<>();
        inBackground(() -> {
            try {
                deliver(event);
            } finally {
                durable.complete(null);
            }
        });
        return durable;
    }

    private void afterLinger(Runnable delivery) {
        long linger = config.metering().journalLinger().toMillis();
        if (linger <= 0) {
            inBackground(delivery);
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
            inBackground(r);
        }
    }

    private void inBackground(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) { // shutting down: still record it rather than lose it
            Thread.ofVirtual().start(r);
        }
    }

    /**
     * Records one event in the ledger (blocking), retrying transient failures; fires {@link Metered} on success.
     *
     * @return whether the ledger committed it (false: given up after {@code gateway.metering.max-attempts}, logged)
     */
    boolean deliver(UsageEvent event) {
        int attempts = config.metering().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            try {
                RatedUsage rated = ledger.record(event);
                metered.fire(new Metered(event, rated));
                return true;
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    Log.errorf(
                            "Usage of request %s (tenant %s) could not be recorded after %d attempts: %s",
                            event.requestId(), event.tenantId(), attempt, e.getMessage());
                    return false;
                }
                Log.warnf(
                        "Recording usage of request %s failed (attempt %d of %d), retrying: %s",
                        event.requestId(), attempt, attempts, e.getMessage());
                try {
                    Thread.sleep(config.metering().retryDelay().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        flusher.shutdown();
        flushLingering();
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Fired after the ledger durably recorded a request's usage. */
    public record Metered(UsageEvent event, RatedUsage rated) {}
}
