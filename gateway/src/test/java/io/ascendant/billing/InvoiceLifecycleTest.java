package io.ascendant.billing;

import static io.ascendant.billing.BillingFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ascendant.billing.invoice.Invoice;
import io.ascendant.billing.invoice.InvoiceKind;
import io.ascendant.billing.invoice.InvoiceLine;
import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.billing.invoice.InvoiceStatus;
import io.ascendant.billing.invoice.LineKind;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.TokenClass;
import io.ascendant.billing.rollup.UsageBucket;
import io.ascendant.billing.rollup.UsageQueries;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InvoiceLifecycleTest {

    private static final YearMonth AUG = YearMonth.of(2026, 8);
    private static final YearMonth SEP = YearMonth.of(2026, 9);
    private static final YearMonth OCT = YearMonth.of(2026, 10);
    private static final YearMonth NOV = YearMonth.of(2026, 11);

    @Inject
    UsageLedger ledger;

    @Inject
    InvoiceService invoices;

    @Inject
    UsageQueries usage;

    @Inject
    BillingFixtures fixtures;

    private void rec(UUID t, String tag, String model, String at, long hit, long miss, long out) {
        ledger.record(
                event(t, tag + "-" + t + "-" + at + "-" + hit + "-" + miss + "-" + out, model, at, hit, miss, out));
    }

    /**
     * The hand-computed fixture (same numbers as InvoiceCalculatorTest, here through ledger, rollups and drafting):
     * V4-Pro in August 2026, whose price changed on 2026-08-16 16:00 UTC to peak/off-peak pricing.
     */
    @Test
    void augustInvoiceIsExactToTheTokenAndTheCentAndSplitsAtThePriceChange() {
        UUID t = fixtures.account("USD", "UTC", "19", "5");
        String pro = "deepseek-v4-pro";
        rec(t, "fx", pro, "2026-08-03T10:00:00Z", 1_000_000, 7_000_000, 2_000_000); // old version
        rec(t, "fx", pro, "2026-08-16T15:59:59Z", 234_567, 654_321, 1); // last second of the old version
        rec(t, "fx", pro, "2026-08-17T02:00:00Z", 0, 0, 100_000_000); // Mon 10:00 Beijing: peak
        rec(t, "fx", pro, "2026-08-31T09:59:59Z", 0, 0, 23_456_789); // Mon 17:59:59 Beijing: peak
        rec(t, "fx", pro, "2026-08-22T02:00:00Z", 0, 10_000_000, 0); // Saturday: off-peak
        rec(t, "fx", pro, "2026-09-01T00:00:00Z", 0, 0, 77_777_777); // September: not on this invoice

        Invoice i = invoices.draft(t, AUG);

        long vB = fixtures.versionId(pro, "USD", "2026-04-26T12:15:00Z");
        long vC = fixtures.versionId(pro, "USD", "2026-08-16T16:00:00Z");
        assertThat(i.status()).isEqualTo(InvoiceStatus.DRAFT);
        assertThat(i.number()).isNull();
        assertThat(i.periodStart()).isEqualTo(LocalDate.parse("2026-08-01"));
        assertThat(i.periodEnd()).isEqualTo(LocalDate.parse("2026-09-01"));
        assertThat(i.lines())
                .extracting(
                        InvoiceLine::priceVersionId,
                        InvoiceLine::window,
                        InvoiceLine::tokenClass,
                        InvoiceLine::quantityTokens,
                        l -> l.amount().toPlainString())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                vB, PriceWindow.STANDARD, TokenClass.CACHE_HIT, 1_234_567L, "0.00"),
                        org.assertj.core.groups.Tuple.tuple(
                                vB, PriceWindow.STANDARD, TokenClass.CACHE_MISS, 7_654_321L, "3.33"),
                        org.assertj.core.groups.Tuple.tuple(
                                vB, PriceWindow.STANDARD, TokenClass.OUTPUT, 2_000_001L, "1.74"),
                        org.assertj.core.groups.Tuple.tuple(
                                vC, PriceWindow.PEAK, TokenClass.OUTPUT, 123_456_789L, "488.89"),
                        org.assertj.core.groups.Tuple.tuple(
                                vC, PriceWindow.OFF_PEAK, TokenClass.CACHE_MISS, 10_000_000L, "6.60"));
        assertThat(i.lines().get(3).amountPrecise()).isEqualByComparingTo("488.88888444");
        assertThat(i.subtotal().toPlainString()).isEqualTo("500.56");
        assertThat(i.discountAmount().toPlainString()).isEqualTo("25.03");
        assertThat(i.taxAmount().toPlainString()).isEqualTo("90.35");
        assertThat(i.total().toPlainString()).isEqualTo("565.88");

        // Recomputing a draft is idempotent; finalising numbers it and freezes it.
        Invoice again = invoices.draft(t, AUG);
        assertThat(again.id()).isEqualTo(i.id());
        assertThat(again.total()).isEqualTo(i.total());
        Invoice fin = invoices.finalizeInvoice(i.id());
        assertThat(fin.status()).isEqualTo(InvoiceStatus.FINALIZED);
        assertThat(fin.number()).matches("INV-\\d{4}-\\d{6}");
        assertThat(fin.issueDate()).isNotNull();
        assertThat(fin.dueDate()).isEqualTo(fin.issueDate().plusDays(30));
        assertThat(fin.total().toPlainString()).isEqualTo("565.88");
        assertThrows(BillingException.Conflict.class, () -> invoices.draft(t, AUG));
        assertThrows(BillingException.Conflict.class, () -> invoices.finalizeInvoice(i.id()));
        assertThrows(SQLException.class, () -> fixtures.exec("UPDATE invoice SET total = 0 WHERE id = ?", fin.id()));
        assertThrows(
                SQLException.class, () -> fixtures.exec("DELETE FROM invoice_line WHERE invoice_id = ?", fin.id()));
    }

    @Test
    void monthBoundariesFollowTheTenantsZoneAcrossDaylightSavingTime() {
        String pro = "deepseek-v4-pro";
        // New York: DST ends on 2026-11-01 itself (02:00 EDT -> 01:00 EST).
        UUID ny = fixtures.account("USD", "America/New_York", "0", "0");
        rec(ny, "dst", pro, "2026-10-01T03:59:59Z", 0, 0, 4_000_000); // Sep 30 23:59:59 EDT -> September
        rec(ny, "dst", pro, "2026-10-01T04:00:00Z", 0, 0, 8_000_000); // Oct 1 00:00 EDT -> October
        rec(ny, "dst", pro, "2026-11-01T03:59:59Z", 0, 0, 1_000_000); // Oct 31 23:59:59 EDT -> October
        rec(ny, "dst", pro, "2026-11-01T04:00:00Z", 0, 0, 2_000_000); // Nov 1 00:00 EDT -> November
        Invoice nyOct = invoices.draft(ny, OCT);
        assertThat(nyOct.lines()).singleElement().satisfies(l -> {
            assertThat(l.quantityTokens()).isEqualTo(9_000_000);
            assertThat(l.window()).isEqualTo(PriceWindow.OFF_PEAK);
            assertThat(l.amount().toPlainString()).isEqualTo("17.82");
        });
        assertThat(invoices.draft(ny, SEP).lines())
                .singleElement()
                .extracting(InvoiceLine::quantityTokens)
                .isEqualTo(4_000_000L);

        // Berlin: DST ended 2026-10-25 (03:00 CEST -> 02:00 CET); October has 745 hours.
        UUID berlin = fixtures.account("USD", "Europe/Berlin", "0", "0");
        rec(berlin, "dst", pro, "2026-09-30T21:59:59Z", 0, 0, 8_000_000); // Sep 30 23:59:59 CEST -> September
        rec(berlin, "dst", pro, "2026-09-30T22:00:00Z", 0, 0, 4_000_000); // Oct 1 00:00 CEST -> October
        rec(berlin, "dst", pro, "2026-10-25T00:30:00Z", 0, 0, 100); // 02:30 CEST
        rec(berlin, "dst", pro, "2026-10-25T01:30:00Z", 0, 0, 100); // 02:30 CET, the repeated hour
        rec(berlin, "dst", pro, "2026-10-31T22:59:59Z", 0, 0, 1_000_000); // Oct 31 23:59:59 CET -> October
        rec(berlin, "dst", pro, "2026-10-31T23:00:00Z", 0, 0, 2_000_000); // Nov 1 00:00 CET -> November
        Invoice berlinOct = invoices.draft(berlin, OCT);
        assertThat(berlinOct.lines()).singleElement().satisfies(l -> {
            assertThat(l.quantityTokens()).isEqualTo(5_000_200);
            assertThat(l.amountPrecise()).isEqualByComparingTo("9.900396");
            assertThat(l.amount().toPlainString()).isEqualTo("9.90");
        });
        List<UsageBucket> days = usage.daily(berlin, LocalDate.parse("2026-10-25"), LocalDate.parse("2026-10-25"));
        assertThat(days).singleElement().satisfies(d -> {
            assertThat(d.requests()).isEqualTo(2);
            assertThat(d.completionTokens()).isEqualTo(200);
        });
        // Hourly rollups stay in UTC hours: the two 02:30 local requests are two buckets.
        assertThat(fixtures.queryLong(
                        "SELECT count(*) FROM usage_rollup_hour WHERE tenant_id = ? AND hour_start >= '2026-10-25T00:00Z'"
                                + " AND hour_start < '2026-10-25T02:00Z'",
                        berlin))
                .isEqualTo(2);
    }

    @Test
    void usageArrivingAfterFinalisationIsBilledOnceOnTheNextInvoiceAsAnAdjustment() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        String pro = "deepseek-v4-pro";
        rec(t, "late", pro, "2026-09-15T12:00:00Z", 0, 0, 1_000_000); // Tue 20:00 Beijing: off-peak 1.98
        Invoice sep = invoices.finalizeInvoice(invoices.draft(t, SEP).id());
        assertThat(sep.total().toPlainString()).isEqualTo("1.98");

        rec(t, "late", pro, "2026-09-20T12:00:00Z", 0, 0, 500_000); // late September usage: 0.99
        rec(t, "late", pro, "2026-10-10T12:00:00Z", 0, 0, 1_000_000); // October: 1.98
        Invoice oct = invoices.draft(t, OCT);
        assertThat(oct.lines())
                .extracting(InvoiceLine::kind, InvoiceLine::servicePeriodStart, InvoiceLine::quantityTokens)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(LineKind.USAGE, LocalDate.parse("2026-10-01"), 1_000_000L),
                        org.assertj.core.groups.Tuple.tuple(
                                LineKind.ADJUSTMENT, LocalDate.parse("2026-09-01"), 500_000L));
        assertThat(oct.total().toPlainString()).isEqualTo("2.97");
        Invoice octFinal = invoices.finalizeInvoice(oct.id());
        assertThat(octFinal.total().toPlainString()).isEqualTo("2.97");

        // The adjustment is billed: the next draft does not repeat it.
        Invoice nov = invoices.draft(t, NOV);
        assertThat(nov.lines()).isEmpty();
        assertThat(nov.total().toPlainString()).isEqualTo("0.00");
        // November has not ended in UTC yet (the tests run before December 2026 or the draft would be final-able).
        if (LocalDate.now(java.time.ZoneOffset.UTC).isBefore(LocalDate.parse("2026-12-01"))) {
            assertThrows(BillingException.Conflict.class, () -> invoices.finalizeInvoice(nov.id()));
        }

        // Voiding September issues a credit note; re-drafting September does not bill what October's adjustment did.
        InvoiceService.VoidResult v = invoices.voidInvoice(sep.id(), "wrong billing address");
        assertThat(v.voided().status()).isEqualTo(InvoiceStatus.VOID);
        assertThat(v.creditNote().kind()).isEqualTo(InvoiceKind.CREDIT_NOTE);
        assertThat(v.creditNote().number()).matches("CN-\\d{4}-\\d{6}");
        assertThat(v.creditNote().creditedInvoiceId()).isEqualTo(sep.id());
        assertThat(v.creditNote().total().toPlainString()).isEqualTo("-1.98");
        assertThat(v.creditNote().lines())
                .singleElement()
                .extracting(InvoiceLine::quantityTokens)
                .isEqualTo(-1_000_000L);
        assertThrows(BillingException.Conflict.class, () -> invoices.voidInvoice(sep.id(), "again"));
        Invoice sepAgain = invoices.draft(t, SEP);
        assertThat(sepAgain.id()).isNotEqualTo(sep.id());
        assertThat(sepAgain.lines())
                .singleElement()
                .extracting(InvoiceLine::quantityTokens)
                .isEqualTo(1_000_000L);
    }

    @Test
    void concurrentFinalisationAssignsGapFreeUniqueNumbers() throws Exception {
        int n = 12;
        List<UUID> drafts = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            UUID t = fixtures.account("USD", "UTC", "0", "0");
            rec(t, "num", "deepseek-v4-flash", "2026-08-05T12:00:00Z", 0, 0, 1_000_000 + k);
            drafts.add(invoices.draft(t, AUG).id());
        }
        List<Callable<String>> calls = new ArrayList<>();
        for (UUID id : drafts) {
            // Two finalisations race for every draft: exactly one wins, the loser takes no number.
            calls.add(() -> invoices.finalizeInvoice(id).number());
            calls.add(() -> invoices.finalizeInvoice(id).number());
        }
        Collections.shuffle(calls);
        List<String> numbers = new ArrayList<>();
        int conflicts = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<String> f : pool.invokeAll(calls)) {
                try {
                    numbers.add(f.get());
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(BillingException.Conflict.class);
                    conflicts++;
                }
            }
        }
        assertThat(conflicts).isEqualTo(n);
        assertThat(numbers).hasSize(n).doesNotHaveDuplicates();
        List<Long> seq = numbers.stream()
                .map(s -> Long.parseLong(s.substring(s.lastIndexOf('-') + 1)))
                .sorted()
                .toList();
        assertThat(seq.getLast() - seq.getFirst()).isEqualTo(n - 1); // contiguous: no gap
        String year = numbers.getFirst().substring(4, 8);
        assertThat(fixtures.queryLong(
                        "SELECT last_value FROM invoice_number_counter WHERE prefix = 'INV' AND year = ?",
                        Integer.parseInt(year)))
                .isGreaterThanOrEqualTo(seq.getLast());
        assertThat(fixtures.queryLong(
                        "SELECT count(*) FROM invoice WHERE number = ANY(?)", (Object) numbers.toArray(String[]::new)))
                .isEqualTo(n);
    }
}
