package io.ascendant.billing;

import static io.ascendant.billing.BillingFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.billing.account.NewBillingAccount;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.rollup.Reconciler;
import io.ascendant.billing.rollup.UsageQueries;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UsageLedgerTest {

    @Inject
    UsageLedger ledger;

    @Inject
    BillingFixtures fixtures;

    @Inject
    RecordingParticipant participant;

    @Inject
    UsageQueries usage;

    @Inject
    BillingAccountService accounts;

    @Test
    void ratesEveryRowWithItsPriceVersionAndWindow() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        long vB = fixtures.versionId("deepseek-v4-pro", "USD", "2026-04-26T12:15:00Z");
        long vC = fixtures.versionId("deepseek-v4-pro", "USD", "2026-08-16T16:00:00Z");

        RatedUsage before = ledger.record(
                event(t, "rate-" + t + "-1", "deepseek-v4-pro", "2026-08-14T10:00:00Z", 1_000_000, 2_000_000, 500_000));
        RatedUsage peak = ledger.record(
                event(t, "rate-" + t + "-2", "deepseek-v4-pro", "2026-08-17T02:00:00Z", 300_000, 100_000, 250_000));
        RatedUsage offPeak = ledger.record(
                event(t, "rate-" + t + "-3", "deepseek-v4-pro", "2026-08-17T05:00:00Z", 300_000, 100_000, 250_000));

        assertThat(before.priceVersionId()).isEqualTo(vB);
        assertThat(before.window()).isEqualTo(PriceWindow.STANDARD);
        assertThat(before.amount()).isEqualByComparingTo("1.308625");
        assertThat(before.currency()).isEqualTo("USD");
        assertThat(peak.priceVersionId()).isEqualTo(vC);
        assertThat(peak.window()).isEqualTo(PriceWindow.PEAK);
        assertThat(peak.amount()).isEqualByComparingTo("1.1352");
        assertThat(offPeak.window()).isEqualTo(PriceWindow.OFF_PEAK);
        assertThat(offPeak.amount()).isEqualByComparingTo("0.5676");
        assertThat(List.of(before, peak, offPeak)).noneMatch(RatedUsage::replayed);

        // The stored rows name the same version and window.
        assertThat(fixtures.queryLong(
                        "SELECT price_version_id FROM usage_ledger WHERE request_id = ?", "rate-" + t + "-2"))
                .isEqualTo(vC);
        assertThat(ledger.find("rate-" + t + "-3"))
                .get()
                .extracting(RatedUsage::window)
                .isEqualTo(PriceWindow.OFF_PEAK);
    }

    @Test
    void replayOfARequestIdReturnsTheOriginalRatingAndChargesNothingMore() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        String id = "replay-" + t;
        RatedUsage first = ledger.record(event(t, id, "deepseek-v4-flash", "2026-09-02T12:00:00Z", 10, 20, 30));
        long dayTokens = fixtures.queryLong("SELECT sum(output_tokens) FROM usage_rollup_day WHERE tenant_id = ?", t);

        // Same id, different (wrong) counts: the original stays, nothing is added.
        RatedUsage again = ledger.record(event(t, id, "deepseek-v4-flash", "2026-09-02T12:00:05Z", 999, 999, 999));

        assertThat(again.replayed()).isTrue();
        assertThat(again.amount()).isEqualByComparingTo(first.amount());
        assertThat(again.event().completionTokens()).isEqualTo(30);
        assertThat(again.priceVersionId()).isEqualTo(first.priceVersionId());
        assertThat(fixtures.queryLong("SELECT count(*) FROM usage_ledger WHERE tenant_id = ?", t))
                .isEqualTo(1);
        assertThat(fixtures.queryLong("SELECT sum(output_tokens) FROM usage_rollup_day WHERE tenant_id = ?", t))
                .isEqualTo(dayTokens)
                .isEqualTo(30);
        assertThat(fixtures.queryLong("SELECT sum(requests) FROM usage_rollup_hour WHERE tenant_id = ?", t))
                .isEqualTo(1);
    }

    @Test
    void submittedEventsAreRatedLikeRecordedOnesAndReplaysChargeNothingMore() throws Exception {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        List<CompletableFuture<RatedUsage>> submitted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            submitted.add(ledger.submit(
                            event(t, "submit-" + i + "-" + t, "deepseek-v4-flash", "2026-09-02T12:00:00Z", 10, 20, 30))
                    .toCompletableFuture());
        }
        RatedUsage recorded =
                ledger.record(event(t, "record-" + t, "deepseek-v4-flash", "2026-09-02T12:00:00Z", 10, 20, 30));
        for (CompletableFuture<RatedUsage> f : submitted) {
            RatedUsage r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.replayed()).isFalse();
            assertThat(r.amount()).isEqualByComparingTo(recorded.amount());
        }
        RatedUsage again = ledger.submit(
                        event(t, "submit-0-" + t, "deepseek-v4-flash", "2026-09-02T12:00:09Z", 9, 9, 9))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        assertThat(again.replayed()).isTrue();
        assertThat(again.event().completionTokens()).isEqualTo(30);
        assertThat(fixtures.queryLong("SELECT count(*) FROM usage_ledger WHERE tenant_id = ?", t))
                .isEqualTo(21);
        assertThat(fixtures.queryLong("SELECT sum(requests) FROM usage_rollup_day WHERE tenant_id = ?", t))
                .isEqualTo(21);
    }

    @Test
    void concurrentRecordsOfOneRequestIdChargeOnce() throws Exception {
        UUID t = fixtures.account("CNY", "Asia/Shanghai", "0", "0");
        String id = "race-" + t;
        List<Callable<RatedUsage>> calls = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            calls.add(() -> ledger.record(event(t, id, "deepseek-v4-pro", "2026-09-03T03:00:00Z", 0, 1_000_000, 0)));
        }
        List<RatedUsage> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (Future<RatedUsage> f : pool.invokeAll(calls)) {
                results.add(f.get());
            }
        }
        // Thursday 11:00 Beijing is peak: 1M cache-miss tokens at CNY 9 per 1M.
        assertThat(results).allSatisfy(r -> assertThat(r.amount()).isEqualByComparingTo("9"));
        assertThat(results).filteredOn(r -> !r.replayed()).hasSize(1);
        assertThat(fixtures.queryLong("SELECT count(*) FROM usage_ledger WHERE request_id = ?", id))
                .isEqualTo(1);
        assertThat(fixtures.queryLong("SELECT sum(requests) FROM usage_rollup_day WHERE tenant_id = ?", t))
                .isEqualTo(1);
        assertThat(participant.timesSeen(id)).isEqualTo(1);
    }

    @Test
    void participantsSeeEachNewRowOnceInsideTheBatchTransaction() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        for (int i = 0; i < 20; i++) {
            ledger.record(event(t, "spi-" + t + "-" + i, "deepseek-v4-flash", "2026-09-04T12:00:00Z", 1, 1, 1));
            ledger.record(event(t, "spi-" + t + "-" + i, "deepseek-v4-flash", "2026-09-04T12:00:00Z", 1, 1, 1));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(participant.timesSeen("spi-" + t + "-" + i)).isEqualTo(1);
            assertThat(participant.visibleInTransaction("spi-" + t + "-" + i)).isTrue();
        }
    }

    @Test
    void ledgerAndPriceBookRowsCannotBeUpdatedOrDeleted() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        String id = "immutable-" + t;
        ledger.record(event(t, id, "deepseek-v4-flash", "2026-09-05T12:00:00Z", 1, 1, 1));
        SQLException update = assertThrows(
                SQLException.class,
                () -> fixtures.exec("UPDATE usage_ledger SET output_tokens = 0 WHERE request_id = ?", id));
        assertThat(update.getMessage()).contains("append-only");
        assertThrows(SQLException.class, () -> fixtures.exec("DELETE FROM usage_ledger WHERE request_id = ?", id));
        assertThrows(
                SQLException.class,
                () -> fixtures.exec(
                        "UPDATE price_book_version SET output_per_mtok = 0 WHERE model = 'deepseek-v4-pro'"));
        assertThat(fixtures.queryLong("SELECT output_tokens FROM usage_ledger WHERE request_id = ?", id))
                .isEqualTo(1);
    }

    @Test
    void unknownModelIsKeptAsUnpricedAtZero() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        RatedUsage r = ledger.record(event(t, "unpriced-" + t, "some-other-model", "2026-09-05T12:00:00Z", 5, 5, 5));
        assertThat(r.window()).isEqualTo(PriceWindow.UNPRICED);
        assertThat(r.priceVersionId()).isNull();
        assertThat(r.amount()).isEqualByComparingTo("0");
        assertThat(fixtures.queryLong("SELECT count(*) FROM usage_ledger WHERE request_id = ?", "unpriced-" + t))
                .isEqualTo(1);
    }

    @Test
    void tenantWithoutBillingAccountIsRatedInTheDefaultCurrency() {
        UUID t = UUID.randomUUID();
        RatedUsage r = ledger.record(
                event(t, "no-account-" + t, "deepseek-v4-flash", "2026-09-12T12:00:00Z", 0, 0, 1_000_000));
        assertThat(r.currency()).isEqualTo("USD");
        // Saturday 20:00 Beijing: off-peak V4.1-era Flash output, 0.60 per 1M.
        assertThat(r.amount()).isEqualByComparingTo("0.60");
    }

    @Test
    void aChangedAccountZoneAppliesToTheNextRequestAlthoughTheWriterCachesAccountTerms() throws SQLException {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        // 23:30 UTC on 2026-09-20 is 07:30 on 2026-09-21 in Shanghai.
        ledger.record(event(t, "zone-a-" + t, "deepseek-v4-pro", "2026-09-20T23:30:00Z", 0, 0, 1));
        fixtures.exec("UPDATE billing_account SET time_zone = 'Asia/Shanghai' WHERE tenant_id = ?", t);
        ledger.record(event(t, "zone-b-" + t, "deepseek-v4-pro", "2026-09-20T23:30:00Z", 0, 0, 1));

        assertThat(fixtures.queryLong(
                        "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND billing_day = '2026-09-20'",
                        "zone-a-" + t))
                .isEqualTo(1);
        assertThat(fixtures.queryLong(
                        "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND billing_day = '2026-09-21'",
                        "zone-b-" + t))
                .isEqualTo(1);
        assertThat(fixtures.queryLong(
                        "SELECT sum(requests) FROM usage_rollup_day WHERE tenant_id = ? AND day = '2026-09-21'", t))
                .isEqualTo(1);
    }

    @Test
    void anAccountCreatedAfterUsageWithoutOneRatesTheNextRequestInItsCurrency() {
        UUID t = UUID.randomUUID();
        RatedUsage before = ledger.record(
                event(t, "late-account-a-" + t, "deepseek-v4-flash", "2026-09-12T12:00:00Z", 0, 0, 1_000_000));
        accounts.create(new NewBillingAccount(
                t, "Late account", "CNY", ZoneId.of("Asia/Shanghai"), BigDecimal.ZERO, BigDecimal.ZERO));
        RatedUsage after = ledger.record(
                event(t, "late-account-b-" + t, "deepseek-v4-flash", "2026-09-12T12:00:00Z", 0, 0, 1_000_000));

        assertThat(before.currency()).isEqualTo("USD");
        assertThat(after.currency()).isEqualTo("CNY");
        // Saturday 20:00 Beijing: off-peak V4.1-era Flash output, CNY 4 per 1M.
        assertThat(after.amount()).isEqualByComparingTo("4");
    }

    @Test
    void aRequestThatEndedWithNothingGeneratedStaysInTheLedgerButIsNoRequestInTheRollups() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        String day = "2026-08-14";
        ledger.record(event(t, "done-" + t, "deepseek-v4-flash", day + "T10:00:00Z", 0, 100, 20));
        ledger.record(ended(t, "refused-" + t, UsageStatus.FAILED, day + "T10:01:00Z", 0, 0, 0));
        ledger.record(ended(t, "gone-" + t, UsageStatus.CANCELLED, day + "T10:02:00Z", 0, 0, 0));
        // With tokens, a failed or cancelled request is usage: counted and charged.
        ledger.record(ended(t, "partial-" + t, UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT, day + "T10:03:00Z", 0, 50, 5));
        ledger.record(ended(t, "prompt-" + t, UsageStatus.FAILED, day + "T10:04:00Z", 0, 70, 0));

        assertThat(fixtures.queryLong("SELECT count(*) FROM usage_ledger WHERE tenant_id = ?", t))
                .isEqualTo(5);
        assertThat(usage.daily(t, LocalDate.parse(day), LocalDate.parse(day)))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.requests()).isEqualTo(3);
                    assertThat(d.completionTokens()).isEqualTo(25);
                });
        assertThat(fixtures.queryLong("SELECT sum(requests) FROM usage_rollup_hour WHERE tenant_id = ?", t))
                .isEqualTo(3);
        Reconciler.Report report = usage.reconcile();
        assertThat(report.samples()).isEmpty();
        assertThat(report.consistent()).isTrue();
    }

    private static UsageEvent ended(
            UUID tenant, String requestId, UsageStatus status, String finishedAt, long hit, long miss, long out) {
        Instant fin = Instant.parse(finishedAt);
        return new UsageEvent(
                requestId,
                tenant,
                BillingFixtures.PROJECT,
                BillingFixtures.KEY,
                "deepseek-v4-flash",
                "pod-0",
                hit,
                miss,
                out,
                0,
                status,
                false,
                fin.minusSeconds(1),
                fin);
    }

    @Test
    void rollupsEqualTheLedgerAfterConcurrentTraffic() throws Exception {
        UUID t = fixtures.account("USD", "Europe/Berlin", "0", "0");
        List<Callable<RatedUsage>> calls = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            calls.add(() -> ledger.record(event(
                    t,
                    "bulk-" + t + "-" + n,
                    n % 3 == 0 ? "deepseek-v4-pro" : "deepseek-v4-flash",
                    "2026-09-" + String.format("%02d", 10 + n % 15) + "T" + String.format("%02d", n % 24) + ":30:00Z",
                    n,
                    2L * n,
                    3L * n)));
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<RatedUsage> f : pool.invokeAll(calls)) {
                f.get();
            }
        }
        assertThat(fixtures.queryLong("SELECT sum(requests) FROM usage_rollup_hour WHERE tenant_id = ?", t))
                .isEqualTo(2_000);
        assertThat(fixtures.queryLong("SELECT sum(output_tokens) FROM usage_rollup_day WHERE tenant_id = ?", t))
                .isEqualTo(fixtures.queryLong("SELECT sum(output_tokens) FROM usage_ledger WHERE tenant_id = ?", t))
                .isEqualTo(3L * (1_999L * 2_000L / 2));
        Reconciler.Report report = usage.reconcile();
        assertThat(report.samples()).isEmpty();
        assertThat(report.consistent()).isTrue();
        assertThat(report.ledgerRows()).isGreaterThanOrEqualTo(2_000);
    }
}
