package io.ascendant.gateway.quota;

import static io.ascendant.gateway.quota.QuotaFixtures.moneyBudget;
import static io.ascendant.gateway.quota.QuotaFixtures.policy;
import static io.ascendant.gateway.quota.QuotaFixtures.request;
import static io.ascendant.gateway.quota.QuotaFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ascendant.gateway.quota.budget.PeriodKind;
import io.ascendant.gateway.quota.sweeper.LeaseSweeper;
import io.ascendant.gateway.testsupport.SharedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica JVM holding budget is killed with SIGKILL; the sweeper of a surviving replica releases its holds once
 * its heartbeat is older than {@code dead-after}, and not before.
 */
class CrashedReplicaTest {

    static final String POOL = "money:tenant:crash";

    private QuotaTestDb db;
    private Process child;

    @BeforeEach
    void database() {
        db = new QuotaTestDb("quota_crash");
    }

    @AfterEach
    void close() {
        if (child != null) {
            child.destroyForcibly();
        }
        db.close();
    }

    @Test
    void sweeperReleasesTheHoldsOfAKilledReplicaAfterTheDocumentedBound() throws Exception {
        SharedPostgres pg = SharedPostgres.get();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashedReplicaChild.class.getName(),
                        db.url(),
                        pg.username(),
                        pg.password())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        UUID doomed = null;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("HOLDING ")) {
                    doomed = UUID.fromString(line.substring("HOLDING ".length()).trim());
                    break;
                }
            }
        }
        assertThat(doomed).as("the child replica reported its holds").isNotNull();
        String reserved = "SELECT reserved FROM quota_account WHERE pool_key = '" + POOL + "'";
        assertThat(db.decimal(reserved)).isGreaterThanOrEqualTo(new BigDecimal("0.9"));

        child.destroyForcibly(); // SIGKILL: no shutdown hook, no give-back
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);

        // A surviving replica cannot use the budget the dead one still holds.
        MutableClock clock = new MutableClock(Instant.now());
        QuotaEngine survivor = new QuotaEngine(db.newPool(2), clock, settings(), "survivor");
        survivor.start();
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget(POOL, BigDecimal.ONE, PeriodKind.MONTH)));
        assertThrows(
                QuotaRefusedException.class, () -> survivor.admit(request("blocked", new BigDecimal("0.3")), policy));

        Instant lastBeat = db.timestamp("SELECT heartbeat_at FROM quota_replica WHERE replica_id = ?", doomed);
        Duration deadAfter = settings().deadAfter();
        LeaseSweeper sweeper = new LeaseSweeper(db.newPool(1), deadAfter);
        assertThat(sweeper.sweep(lastBeat.plus(deadAfter).minusMillis(1))).isEmpty();
        assertThat(db.decimal(reserved)).isGreaterThanOrEqualTo(new BigDecimal("0.9"));

        assertThat(sweeper.sweep(lastBeat.plus(deadAfter).plusMillis(1))).containsExactly(doomed);
        assertThat(db.count("SELECT count(*) FROM quota_lease WHERE replica_id = ?", doomed))
                .isZero();
        assertThat(db.count("SELECT count(*) FROM quota_replica WHERE replica_id = ?", doomed))
                .isZero();

        // The survivor's own slice is all that is left reserved; the freed budget admits again.
        clock.set(lastBeat.plus(deadAfter).plusSeconds(1));
        QuotaTicket t = survivor.admit(request("after-sweep", new BigDecimal("0.3")), policy);
        assertThat(t).isNotNull();
        assertThat(db.decimal("SELECT coalesce(sum(amount), 0) FROM quota_lease"))
                .isEqualByComparingTo(db.decimal(reserved));
    }
}
