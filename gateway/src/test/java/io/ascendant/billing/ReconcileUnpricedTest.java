package io.ascendant.billing;

import static io.ascendant.billing.BillingFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.rollup.ReconcileMain;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code ascendant billing reconcile} with UNPRICED rows in the ledger: the rollups still equal the ledger, but served
 * usage was charged 0, so the command exits 3 and names the tenant, model and currency and what to do. It used to print
 * "OK" and exit 0.
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

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (Connection c = dataSource.getConnection();
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = ReconcileMain.reconcile(c, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(status).as(printed).isEqualTo(ReconcileMain.UNPRICED).isNotZero();
        assertThat(printed)
                .contains("OK: rollups equal the ledger")
                .contains("UNPRICED:")
                .contains("tenant " + t + ", model model-without-price, currency USD: 1 rows")
                .contains("POST /admin/api/v1/billing/price-book")
                .contains("not re-rated");
    }
}
