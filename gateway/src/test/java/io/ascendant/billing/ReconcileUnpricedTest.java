package io.ascendant.billing;

import static io.ascendant.billing.BillingFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.rollup.ReconcileMain;
import io.ascendant.billing.rollup.UnpricedReview;
import io.ascendant.gateway.testsupport.PriceBookRows;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code ascendant billing reconcile} with UNPRICED rows in the ledger: the rollups still equal the ledger, but served
 * usage was charged 0, so the command exits 3 and names the tenant, model and currency and what to do. It used to print
 * "OK" and exit 0. Rows that finished before {@code --since} or belong to a tenant served unpriced on purpose are
 * listed but no longer make it exit 3 (it used to exit 3 forever once one such row existed).
 *
 * <p>The ledger is shared with the other tests: a status is asserted only for a {@code since} after every row the
 * other tests write (their rows finish before 2097).
 */
@QuarkusTest
class ReconcileUnpricedTest {

    @Inject
    UsageLedger ledger;

    @Inject
    BillingFixtures fixtures;

    @Inject
    DataSource dataSource;

    @Test
    void exitsNonZeroNamingTenantModelAndCurrencyOfUnpricedRows() throws Exception {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        ledger.record(event(t, "reconcile-unpriced-" + t, "model-without-price", "2026-09-05T12:00:00Z", 5, 5, 5));

        Run run = reconcile(UnpricedReview.ALL);

        assertThat(run.status())
                .as(run.printed())
                .isEqualTo(ReconcileMain.UNPRICED)
                .isNotZero();
        assertThat(run.printed())
                .contains("OK: rollups equal the ledger")
                .contains("UNPRICED:")
                .contains("tenant " + t + ", model model-without-price, currency USD: 1 rows")
                .contains("POST /admin/api/v1/billing/price-book")
                .contains("not re-rated");
    }

    @Test
    void onlyNewUnpricedRowsOfTenantsNotServedUnpricedOnPurposeExitThree() throws Exception {
        UUID internal = fixtures.account("USD", "UTC", "0", "0");
        UUID customer = fixtures.account("USD", "UTC", "0", "0");
        Instant since = Instant.parse("2099-01-01T00:00:00Z");
        ledger.record(
                event(internal, "review-internal-" + internal, "model-without-price", "2099-01-01T10:00:00Z", 1, 2, 3));

        Run internalOnly = reconcile(new UnpricedReview(since, Set.of(internal)));
        assertThat(internalOnly.status())
                .as("a tenant served unpriced on purpose needs no review: " + internalOnly.printed())
                .isEqualTo(ReconcileMain.OK);
        assertThat(internalOnly.printed())
                .contains("tenant " + internal + ", model model-without-price, currency USD: 1 rows")
                .contains("served unpriced on purpose, no review")
                .contains("No unpriced rows need review (exit 0)");
        assertThat(reconcile(new UnpricedReview(since, Set.of())).status())
                .as("the same row of a tenant not on the list")
                .isEqualTo(ReconcileMain.UNPRICED);

        ledger.record(
                event(customer, "review-customer-" + customer, "model-without-price", "2099-01-01T11:00:00Z", 1, 2, 3));
        Run withCustomer = reconcile(new UnpricedReview(since, Set.of(internal)));
        assertThat(withCustomer.status()).as(withCustomer.printed()).isEqualTo(ReconcileMain.UNPRICED);
        assertThat(withCustomer.printed())
                .contains("tenant " + customer + ", model model-without-price, currency USD: 1 rows")
                .contains("1 to review")
                .contains("--since");

        Run nextRun = reconcile(new UnpricedReview(Instant.parse("2099-01-01T12:00:00Z"), Set.of(internal)));
        assertThat(nextRun.status())
                .as("a later run since the last one sees nothing new: " + nextRun.printed())
                .isEqualTo(ReconcileMain.OK);
        assertThat(nextRun.printed())
                .as("rows already reviewed are still listed")
                .contains("tenant " + customer + ", model model-without-price, currency USD: 1 rows")
                .contains("all before 2099-01-01T12:00:00Z, no review");
    }

    @Test
    void saysWhenAPriceCoversTheModelNowAndThatTheRowsStayAtZero() throws Exception {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        String priced = "priced-later-" + t;
        String scheduled = "priced-soon-" + t;
        String unpriced = "never-priced-" + t;
        for (String model : new String[] {priced, scheduled, unpriced}) {
            ledger.record(event(t, "review-" + model, model, "2097-06-01T12:00:00Z", 5, 5, 5));
        }
        // Added after the rows were written, so they stay unpriced (a tenant's own prices: no other tenant is
        // affected).
        price(priced, t, "2026-10-01T00:00:00Z");
        price(scheduled, t, "2098-01-01T00:00:00Z");

        // Since 2097: these rows are among the few to review, so the listing (at most 20 groups) shows them.
        String printed = reconcile(new UnpricedReview(Instant.parse("2097-01-01T00:00:00Z"), Set.of()))
                .printed();

        assertThat(printed)
                .contains("model " + priced + ", currency USD: 1 rows")
                .contains("priced since 2026-10-01T00:00:00Z (requests started since then are rated; these rows stay"
                        + " at 0)")
                .contains("model " + scheduled + ", currency USD: 1 rows")
                .contains("a price starts at 2098-01-01T00:00:00Z");
        assertThat(printed.lines().filter(l -> l.contains("model " + unpriced + ",")))
                .singleElement()
                .asString()
                .endsWith("1 to review; no price for this model and currency yet");
    }

    private void price(String model, UUID tenant, String effectiveFrom) throws Exception {
        PriceBookRows.addFrom(
                dataSource, model, "USD", tenant, Instant.parse(effectiveFrom), BigDecimal.ONE, "reconcile test");
    }

    private record Run(int status, String printed) {}

    private Run reconcile(UnpricedReview review) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (Connection c = dataSource.getConnection();
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = ReconcileMain.reconcile(c, out, review);
        }
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }
}
