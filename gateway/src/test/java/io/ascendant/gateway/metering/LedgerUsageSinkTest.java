package io.ascendant.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.ledger.LedgerWriteException;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.config.DataPathConfig;
import jakarta.enterprise.event.Event;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's retry logic without a database: a ledger that fails a given number of submissions, then rates. The
 * ledger itself (group commit, idempotency) is tested against PostgreSQL in {@code UsageLedgerTest}.
 */
class LedgerUsageSinkTest {

    private final List<LedgerUsageSink.Metered> fired = new CopyOnWriteArrayList<>();
    private LedgerUsageSink sink;

    @AfterEach
    void stop() throws InterruptedException {
        if (sink != null) {
            sink.stop();
        }
    }

    @Test
    void aFailedWriteIsRetriedWithTheSameRequestIdUntilTheLedgerTakesIt() throws Exception {
        FlakyLedger ledger = new FlakyLedger(2);
        sink = sink(ledger, 3);

        sink.submit(event("retried"), List.of()).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(ledger.submissions).hasValue(3);
        assertThat(ledger.requestIds).containsExactly("retried", "retried", "retried");
        assertThat(fired)
                .singleElement()
                .satisfies(m -> assertThat(m.event().requestId()).isEqualTo("retried"));
    }

    @Test
    void afterTheLastAttemptTheDeliveryReportsFailureAndFiresNothing() throws Exception {
        FlakyLedger ledger = new FlakyLedger(5);
        sink = sink(ledger, 3);

        boolean committed = sink.deliver(event("lost")).get(10, TimeUnit.SECONDS);

        assertThat(committed).isFalse();
        assertThat(ledger.submissions).hasValue(3);
        assertThat(fired).isEmpty();
    }

    @Test
    void aSubmissionThatThrowsCountsAsAFailedAttempt() throws Exception {
        FlakyLedger ledger = new FlakyLedger(1);
        ledger.throwInsteadOfFailing = true;
        sink = sink(ledger, 2);

        assertThat(sink.deliver(event("thrown")).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ledger.submissions).hasValue(2);
        assertThat(fired).hasSize(1);
    }

    private LedgerUsageSink sink(UsageLedger ledger, int maxAttempts) {
        LedgerUsageSink s = new LedgerUsageSink();
        s.ledger = ledger;
        s.config = config(maxAttempts);
        s.metered = recordingEvent();
        s.journals = new UsageJournalService() {
            @Override
            public UsageJournal journal() {
                return null; // acknowledge=ledger: the answer waits for the commit
            }
        };
        return s;
    }

    private static UsageEvent event(String requestId) {
        Instant t = Instant.parse("2026-11-30T12:00:00Z");
        return new UsageEvent(
                requestId,
                UUID.randomUUID(),
                UUID.randomUUID(),
                UUID.randomUUID(),
                "deepseek-v4-flash",
                "pod-a",
                1,
                2,
                3,
                0,
                UsageStatus.COMPLETED,
                false,
                t,
                t.plusMillis(5));
    }

    /** Fails its first {@code failures} submissions (a failed stage, or a throw), then rates with a null rating. */
    private static final class FlakyLedger extends UsageLedger {
        final AtomicInteger submissions = new AtomicInteger();
        final List<String> requestIds = new CopyOnWriteArrayList<>();
        final int failures;
        boolean throwInsteadOfFailing;

        FlakyLedger(int failures) {
            super(null, null, null, null);
            this.failures = failures;
        }

        @Override
        public CompletionStage<RatedUsage> submit(UsageEvent e) {
            requestIds.add(e.requestId());
            if (submissions.incrementAndGet() <= failures) {
                LedgerWriteException failure = new LedgerWriteException("ledger unavailable (test)", null);
                if (throwInsteadOfFailing) {
                    throw failure;
                }
                return CompletableFuture.supplyAsync(() -> {
                    throw failure;
                });
            }
            return CompletableFuture.supplyAsync(() -> null);
        }
    }

    private static DataPathConfig config(int maxAttempts) {
        DataPathConfig.Metering metering = proxy(DataPathConfig.Metering.class, name -> switch (name) {
            case "maxAttempts" -> maxAttempts;
            case "retryDelay" -> Duration.ofMillis(10);
            case "journalLinger" -> Duration.ZERO;
            default -> throw new UnsupportedOperationException(name);
        });
        return proxy(DataPathConfig.class, name -> {
            if (name.equals("metering")) {
                return metering;
            }
            throw new UnsupportedOperationException(name);
        });
    }

    @SuppressWarnings("unchecked")
    private Event<LedgerUsageSink.Metered> recordingEvent() {
        return proxy(Event.class, "fire", args -> {
            fired.add((LedgerUsageSink.Metered) args[0]);
            return null;
        });
    }

    private static <T> T proxy(Class<T> type, java.util.function.Function<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> answers.apply(m.getName())));
    }

    private static <T> T proxy(Class<T> type, String method, java.util.function.Function<Object[], Object> answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (m.getName().equals(method)) {
                return answer.apply(args);
            }
            throw new UnsupportedOperationException(m.getName());
        }));
    }
}
