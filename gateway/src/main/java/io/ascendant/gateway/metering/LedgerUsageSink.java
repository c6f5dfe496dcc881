package io.ascendant.gateway.metering;

import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.config.DataPathConfig;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Delivers usage to billing's {@link UsageLedger} (contract 2). {@link UsageLedger#record} blocks until its group
 * commit is durable, so each event is recorded on its own virtual thread: thousands of requests per second wait on a
 * handful of commits without holding platform threads. A failed write is retried up to {@code
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

    @Override
    public CompletionStage<Void> submit(UsageEvent event) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    deliver(event);
                } finally {
                    durable.complete(null);
                }
            });
        } catch (RejectedExecutionException e) { // shutting down: record on the caller's thread rather than lose it
            Thread.ofVirtual().start(() -> {
                try {
                    deliver(event);
                } finally {
                    durable.complete(null);
                }
            });
        }
        return durable;
    }

    private void deliver(UsageEvent event) {
        int attempts = config.metering().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            try {
                RatedUsage rated = ledger.record(event);
                metered.fire(new Metered(event, rated));
                return;
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    Log.errorf(
                            "Usage of request %s (tenant %s) could not be recorded after %d attempts: %s",
                            event.requestId(), event.tenantId(), attempt, e.getMessage());
                    return;
                }
                Log.warnf(
                        "Recording usage of request %s failed (attempt %d of %d), retrying: %s",
                        event.requestId(), attempt, attempts, e.getMessage());
                try {
                    Thread.sleep(config.metering().retryDelay().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Fired after the ledger durably recorded a request's usage. */
    public record Metered(UsageEvent event, RatedUsage rated) {}
}
