package io.ascendant.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.rollup.Reconciler;
import io.ascendant.billing.rollup.UsageQueries;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged is lost on {@code kill -9}: a child JVM records usage through the group-commit writer and is
 * killed with SIGKILL at a random moment while batches are in flight; every request id it acknowledged must be in
 * the ledger, and the rollups must still equal the ledger (ledger rows and rollup increments commit together).
 */
@QuarkusTest
class LedgerCrashTest {

    private static final int ROUNDS = 5;

    @Inject
    DataSource dataSource;

    @Inject
    BillingFixtures fixtures;

    @Inject
    UsageQueries usage;

    @Test
    void everyAcknowledgedRequestSurvivesSigkillOfTheRecordingProcess() throws Exception {
        var config = ConfigProvider.getConfig();
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = config.getOptionalValue("quarkus.datasource.username", String.class)
                .orElse("postgres");
        String password = config.getOptionalValue("quarkus.datasource.password", String.class)
                .orElse("postgres");
        UUID tenant = fixtures.account("USD", "UTC", "0", "0");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long totalAcked = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String prefix = "crash-" + tenant + "-" + round + "-";
            Process child = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            LedgerCrashChild.class.getName(),
                            url,
                            user,
                            password,
                            tenant.toString(),
                            prefix)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Set<String> acked = ConcurrentHashMap.newKeySet();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("ACK ")) {
                            acked.add(line.substring(4));
                        }
                    }
                } catch (Exception e) {
                    // stream closes when the child dies
                }
            });
            // Wait until the child is writing, then kill it at a random moment mid-stream.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acked.size() < 50 && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(10);
            }
            assertThat(acked).as("child acknowledged usage before the kill").isNotEmpty();
            Thread.sleep(ThreadLocalRandom.current().nextLong(0, 1500));
            child.destroyForcibly(); // SIGKILL on Linux
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            reader.join(10_000);

            List<String> ids = new ArrayList<>(acked);
            long present;
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("SELECT count(*) FROM usage_ledger WHERE request_id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("varchar", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    present = rs.getLong(1);
                }
            }
            assertThat(present)
                    .as("acknowledged rows present after SIGKILL in round " + round)
                    .isEqualTo(ids.size());
            totalAcked += ids.size();
        }
        long rows = fixtures.queryLong("SELECT count(*) FROM usage_ledger WHERE tenant_id = ?", tenant);
        // Rows may exceed acknowledgements (committed, but killed before the ACK was printed), never the reverse.
        assertThat(rows).isGreaterThanOrEqualTo(totalAcked);
        Reconciler.Report report = usage.reconcile();
        assertThat(report.samples()).isEmpty();
        assertThat(report.consistent()).isTrue();
        System.out.printf("crash test: %d rounds, %d acknowledged rows, %d rows in ledger%n", ROUNDS, totalAcked, rows);
    }
}
