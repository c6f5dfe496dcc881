package io.ascendant.billing;

import static io.ascendant.billing.BillingFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.ascendant.billing.ledger.GroupCommitWriter;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.pricebook.PriceBookService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code billing.ledger.linger}: a writer lane waits that long after the first row of a batch for more rows to join
 * it, so light, steady traffic costs one transaction per interval rather than one per request. The writer here is
 * built on the test database with a linger (1 s) far longer than the gap between its rows (100 ms); without the
 * linger the first row is written alone, long before the others are queued.
 */
@QuarkusTest
class LedgerLingerTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    PriceBookService prices;

    @Inject
    BillingFixtures fixtures;

    @Test
    void rowsQueuedWithinTheLingerShareOneBatch() throws Exception {
        assertThat(batchesFor(Duration.ofSeconds(1))).startsWith("batches=1 rows=3 ");
    }

    /** Submits one row, then two more 100 ms later; returns the writer's statistics once all three committed. */
    private String batchesFor(Duration linger) throws Exception {
        UUID tenant = fixtures.account("USD", "UTC", "0", "0");
        try (GroupCommitWriter writer = new GroupCommitWriter(
                dataSource::getConnection,
                prices::current,
                List::of,
                new GroupCommitWriter.Settings(500, 1000, true, Duration.ofSeconds(30), 5, "USD", 1, linger))) {
            String id = "linger-" + tenant + "-";
            CompletableFuture<RatedUsage> first =
                    writer.submit(event(tenant, id + 1, "deepseek-v4-flash", "2026-09-10T10:00:00Z", 1, 2, 3));
            Thread.sleep(100); // a gap no writer needs to pick the first row up, far shorter than the long linger
            CompletableFuture<RatedUsage> second =
                    writer.submit(event(tenant, id + 2, "deepseek-v4-flash", "2026-09-10T10:00:01Z", 1, 2, 3));
            CompletableFuture<RatedUsage> third =
                    writer.submit(event(tenant, id + 3, "deepseek-v4-flash", "2026-09-10T10:00:02Z", 1, 2, 3));
            CompletableFuture.allOf(first, second, third).get();
            assertThat(fixtures.queryLong("SELECT count(*) FROM usage_ledger WHERE tenant_id = ?", tenant))
                    .isEqualTo(3);
            return writer.stats();
        }
    }
}
