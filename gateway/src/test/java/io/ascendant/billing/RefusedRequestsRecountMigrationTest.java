package io.ascendant.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.rollup.Reconciler;
import io.ascendant.gateway.testsupport.SharedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * V036 on a database upgraded from a version whose rollups counted zero-token FAILED and CANCELLED requests: after
 * the migration {@code billing reconcile} finds the rollups equal to the ledger, buckets written under either rule
 * hold the count of the rows that count, buckets of refused requests only are gone, other buckets are untouched, and
 * running the migration's SQL again changes nothing. Plain JUnit on a database of its own on the shared test
 * PostgreSQL, migrated by Flyway exactly as {@code ascendant migrate} does.
 */
class RefusedRequestsRecountMigrationTest {

    private static final String BEFORE = "035";
    private static final String MIGRATION = "db/migration/V036__recount_refused_requests_in_rollups.sql";
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final UUID TENANT = UUID.fromString("0d6a1c7e-0000-4000-8000-000000000036");
    private static final UUID PROJECT = UUID.fromString("0d6a1c7e-0000-4000-8000-0000000000a1");
    private static final UUID KEY_1 = UUID.fromString("0d6a1c7e-0000-4000-8000-0000000000b1");
    private static final UUID KEY_2 = UUID.fromString("0d6a1c7e-0000-4000-8000-0000000000b2");

    private final SharedPostgres pg = SharedPostgres.get();

    @Test
    void rollupsOfAnUpgradedDatabaseReconcileCleanAfterTheMigration() throws Exception {
        String db = pg.createDatabase("rollup_recount");
        flyway(db).target(BEFORE).load().migrate();
        long priceVersion;
        try (Connection c = pg.connect(db)) {
            priceVersion = priceVersion(c);
            // The hour 10:00 UTC bucket of key 1: two rows that count, a refused row the old writer counted, and a
            // refused row the current writer left out (it already ran on this database): rollup requests 3.
            ledger(c, "ok-1", KEY_1, "COMPLETED", "2026-10-01T10:05:00Z", 0, 100, 20, priceVersion, "0.0000196");
            ledger(c, "prompt-only", KEY_1, "FAILED", "2026-10-01T10:10:00Z", 0, 70, 0, priceVersion, "0.0000098");
            ledger(c, "old-refused-1", KEY_1, "FAILED", "2026-10-01T10:15:00Z", 0, 0, 0, priceVersion, "0");
            ledger(c, "new-refused-1", KEY_1, "CANCELLED", "2026-10-01T10:20:00Z", 0, 0, 0, priceVersion, "0");
            // Key 2 has only a refused request, at 23:30 UTC: billing day 2026-10-02 in Shanghai.
            ledger(c, "old-refused-2", KEY_2, "CANCELLED", "2026-10-01T23:30:00Z", 0, 0, 0, priceVersion, "0");
            // An unpriced refused request (price version 0 in the rollups).
            ledger(c, "old-refused-3", KEY_1, "FAILED", "2026-10-01T11:00:00Z", 0, 0, 0, null, "0");
            // Buckets without refused rows (including a partial answer, which counts) are left alone.
            ledger(c, "ok-2", KEY_1, "COMPLETED", "2026-10-01T23:40:00Z", 10, 5, 7, priceVersion, "0.0000030");
            ledger(c, "partial", KEY_1, "CANCELLED", "2026-10-01T23:45:00Z", 0, 40, 3, priceVersion, "0.0000065");
            oldStyleRollups(c);

            Reconciler.Report before = Reconciler.run(c);
            assertThat(before.consistent())
                    .as("the upgraded database reconciles with differences")
                    .isFalse();
            assertThat(before.hourMismatches()).isEqualTo(3);
            assertThat(before.dayMismatches()).isEqualTo(3);
        }
        List<String> untouchedBefore;
        try (Connection c = pg.connect(db)) {
            untouchedBefore = rows(c, "usage_rollup_hour", "hour_start = '2026-10-01T23:00:00Z' AND key_id = ?", KEY_1);
        }

        assertThat(flyway(db).load().migrate().migrationsExecuted).isGreaterThanOrEqualTo(1);

        try (Connection c = pg.connect(db)) {
            Reconciler.Report after = Reconciler.run(c);
            assertThat(after.samples()).isEmpty();
            assertThat(after.consistent()).isTrue();
            assertThat(after.ledgerRows()).isEqualTo(8);
            assertThat(requests(c, "usage_rollup_hour", "hour_start = '2026-10-01T10:00:00Z'", KEY_1))
                    .containsExactly(2L);
            assertThat(requests(c, "usage_rollup_day", "day = '2026-10-01'", KEY_1))
                    .containsExactly(2L);
            assertThat(requests(c, "usage_rollup_hour", "true", KEY_2))
                    .as("a bucket of refused requests only is removed")
                    .isEmpty();
            assertThat(requests(c, "usage_rollup_day", "true", KEY_2)).isEmpty();
            assertThat(requests(c, "usage_rollup_hour", "price_version_id = 0", KEY_1))
                    .isEmpty();
            assertThat(rows(c, "usage_rollup_hour", "hour_start = '2026-10-01T23:00:00Z' AND key_id = ?", KEY_1))
                    .isEqualTo(untouchedBefore)
                    .hasSize(1);

            List<String> hour = rows(c, "usage_rollup_hour", "tenant_id = ?", TENANT);
            List<String> day = rows(c, "usage_rollup_day", "tenant_id = ?", TENANT);
            runMigrationSqlAgain(c);
            assertThat(rows(c, "usage_rollup_hour", "tenant_id = ?", TENANT))
                    .as("a second run changes nothing")
                    .isEqualTo(hour);
            assertThat(rows(c, "usage_rollup_day", "tenant_id = ?", TENANT)).isEqualTo(day);
            assertThat(Reconciler.run(c).consistent()).isTrue();
        }
    }

    @Test
    void aFreshDatabaseMigratesWithNothingToRecount() throws Exception {
        String db = pg.createDatabase("rollup_recount_fresh");
        assertThat(flyway(db).load().migrate().success).isTrue();
        try (Connection c = pg.connect(db)) {
            Reconciler.Report report = Reconciler.run(c);
            assertThat(report.consistent()).isTrue();
            assertThat(report.ledgerRows()).isZero();
            assertThat(report.hourBuckets()).isZero();
            assertThat(report.dayBuckets()).isZero();
        }
    }

    private FluentConfiguration flyway(String db) {
        return Flyway.configure()
                .dataSource(pg.jdbcUrl(db), pg.username(), pg.password())
                .locations("classpath:db/migration")
                .cleanDisabled(true);
    }

    private static long priceVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT min(id) FROM price_book_version"
                        + " WHERE model = 'deepseek-v4-flash' AND currency = 'USD'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void ledger(
            Connection c,
            String requestId,
            UUID key,
            String status,
            String finishedAt,
            long hit,
            long miss,
            long out,
            Long priceVersion,
            String amount)
            throws SQLException {
        Instant finished = Instant.parse(finishedAt);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_ledger (request_id, tenant_id, project_id,"
                + " key_id, model, host_pod, cache_hit_tokens, cache_miss_tokens, output_tokens, reasoning_tokens,"
                + " status, counted_by_gateway, started_at, finished_at, billing_day, currency, price_version_id,"
                + " price_window, amount) VALUES (?, ?, ?, ?, ?, 'pod-0', ?, ?, ?, 0, ?, false, ?, ?, ?, 'USD', ?, ?,"
                + " ?)")) {
            ps.setString(1, requestId);
            ps.setObject(2, TENANT);
            ps.setObject(3, PROJECT);
            ps.setObject(4, key);
            ps.setString(5, priceVersion == null ? "unknown-model" : "deepseek-v4-flash");
            ps.setLong(6, hit);
            ps.setLong(7, miss);
            ps.setLong(8, out);
            ps.setString(9, status);
            ps.setObject(10, finished.minusSeconds(2).atOffset(java.time.ZoneOffset.UTC));
            ps.setObject(11, finished.atOffset(java.time.ZoneOffset.UTC));
            ps.setObject(12, LocalDate.ofInstant(finished, ZONE));
            ps.setObject(13, priceVersion);
            ps.setString(14, priceVersion == null ? "UNPRICED" : "OFF_PEAK");
            ps.setBigDecimal(15, new BigDecimal(amount));
            ps.executeUpdate();
        }
    }

    /**
     * The rollups as the versions before the rule wrote them: every ledger row a request, except those whose id
     * starts with {@code new-}, which the current writer recorded (after the rule, before this migration).
     */
    private static void oldStyleRollups(Connection c) throws SQLException {
        String sums = " count(*) FILTER (WHERE request_id NOT LIKE 'new-%'), sum(cache_hit_tokens),"
                + " sum(cache_miss_tokens), sum(output_tokens), sum(reasoning_tokens), sum(amount) FROM usage_ledger"
                + " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING count(*) FILTER (WHERE request_id NOT LIKE 'new-%') > 0";
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO usage_rollup_hour (tenant_id, hour_start, project_id, key_id, model, currency,"
                    + " price_version_id, price_window, requests, cache_hit_tokens, cache_miss_tokens, output_tokens,"
                    + " reasoning_tokens, amount) SELECT tenant_id, date_trunc('hour', finished_at AT TIME ZONE 'UTC')"
                    + " AT TIME ZONE 'UTC', project_id, key_id, model, currency, coalesce(price_version_id, 0),"
                    + " price_window," + sums);
            s.executeUpdate("INSERT INTO usage_rollup_day (tenant_id, day, project_id, key_id, model, currency,"
                    + " price_version_id, price_window, requests, cache_hit_tokens, cache_miss_tokens, output_tokens,"
                    + " reasoning_tokens, amount) SELECT tenant_id, billing_day, project_id, key_id, model, currency,"
                    + " coalesce(price_version_id, 0), price_window," + sums);
        }
    }

    /** The request counts of {@code table}'s buckets of the test tenant and {@code key} matching {@code where}. */
    private static List<Long> requests(Connection c, String table, String where, UUID key) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT requests FROM " + table + " WHERE tenant_id = ? AND key_id = ? AND " + where)) {
            ps.setObject(1, TENANT);
            ps.setObject(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** Every column of the rows of {@code table} matching {@code where} (one parameter, {@code param}), sorted. */
    private static List<String> rows(Connection c, String table, String where, UUID param) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT r::text FROM " + table + " r WHERE " + where + " ORDER BY 1")) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void runMigrationSqlAgain(Connection c) throws SQLException, IOException {
        String sql;
        try (InputStream in =
                RefusedRequestsRecountMigrationTest.class.getClassLoader().getResourceAsStream(MIGRATION)) {
            assertThat(in).as(MIGRATION + " on the test class path").isNotNull();
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }
}
