package io.ascendant.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.MigrationUpgrades;
import io.ascendant.gateway.testsupport.SharedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * V014 and V039 on a database upgraded from a release that stored prefixed offsets as java.time spells them ({@code GMT+3} as
 * {@code GMT+03:00}, {@code +00:00} as {@code Z}), forms the console's browser {@code Intl} rejects: the gateway's
 * Flyway settings apply it (out of order) and tenant and billing account get the plain offset or {@code UTC}; region
 * ids stay as they are. Plain JUnit on a database of its own on the shared test PostgreSQL.
 */
class TenantTimeZoneMigrationTest {

    private static final List<String> ADDED = List.of("V014__", "V039__");

    private static final UUID FREE_PLAN = UUID.fromString("0190a0e0-0000-7000-8000-000000000001");

    private final SharedPostgres pg = SharedPostgres.get();

    @Test
    void prefixedOffsetsOfAnUpgradedDatabaseBecomePlainOffsets() throws Exception {
        String db = pg.createDatabase("tz_forms");
        Flyway.configure()
                .dataSource(pg.jdbcUrl(db), pg.username(), pg.password())
                .locations("filesystem:" + MigrationUpgrades.migrationsWithout(ADDED))
                .load()
                .migrate();
        Map<String, String> stored = Map.of(
                "GMT+03:00", "+03:00",
                "UT-05:30", "-05:30",
                "Z", "UTC",
                "Europe/Paris", "Europe/Paris",
                "Etc/GMT-3", "Etc/GMT-3",
                "UTC", "UTC");
        Map<String, UUID> tenants = new HashMap<>();
        try (Connection c = pg.connect(db)) {
            for (String zone : stored.keySet()) {
                UUID id = UUID.randomUUID();
                tenants.put(zone, id);
                try (PreparedStatement ps = c.prepareStatement("insert into tenant (id, slug, display_name, status,"
                        + " currency, time_zone, plan_id) values (?, ?, 'Zone Co', 'ACTIVE', 'USD', ?, ?)")) {
                    ps.setObject(1, id);
                    ps.setString(2, "tz-" + id.toString().substring(0, 8));
                    ps.setString(3, zone);
                    ps.setObject(4, FREE_PLAN);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("insert into billing_account (tenant_id, display_name,"
                        + " currency, time_zone) values (?, 'Zone Co', 'USD', ?)")) {
                    ps.setObject(1, id);
                    ps.setString(2, zone);
                    ps.executeUpdate();
                }
            }
        }

        assertThat(flyway(db).load().migrate().migrationsExecuted).isEqualTo(ADDED.size());

        try (Connection c = pg.connect(db)) {
            for (var e : stored.entrySet()) {
                UUID id = tenants.get(e.getKey());
                assertThat(zone(c, "select time_zone from tenant where id = ?", id))
                        .as("tenant stored as %s", e.getKey())
                        .isEqualTo(e.getValue());
                assertThat(zone(c, "select time_zone from billing_account where tenant_id = ?", id))
                        .as("billing account stored as %s", e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }

    private static String zone(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Flyway as the gateway configures it, on database {@code db} of the test server. */
    private FluentConfiguration flyway(String db) throws IOException {
        return MigrationUpgrades.gatewayFlyway(pg.jdbcUrl(db), pg.username(), pg.password());
    }
}
