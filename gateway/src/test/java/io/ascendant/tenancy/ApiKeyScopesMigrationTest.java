package io.ascendant.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ascendant.gateway.testsupport.MigrationUpgrades;
import io.ascendant.gateway.testsupport.SharedPostgres;
import io.ascendant.tenancy.apikey.ApiKeyScope;
import io.ascendant.tenancy.apikey.ApiKeyStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * V012 on a database upgraded from the release before API-key scopes, which had every migration but V012 (V071
 * among them): the gateway's Flyway settings apply it (out of order), every key that existed keeps what it could do
 * (both scopes), a row inserted the way the previous version inserts keys (no scopes column) gets both as well, and
 * the database refuses an empty or unknown scope. Plain JUnit on a database of its own on the shared test PostgreSQL,
 * migrated by Flyway with the gateway's {@code quarkus.flyway.*} settings, as {@code ascendant migrate} does.
 */
class ApiKeyScopesMigrationTest {

    /** The migrations this upgrade adds (scopes, the rotation-chain index); the release before had all the others. */
    private static final List<String> ADDED = List.of("V012__", "V013__");

    private static final UUID FREE_PLAN = UUID.fromString("0190a0e0-0000-7000-8000-000000000001");

    private final SharedPostgres pg = SharedPostgres.get();

    @Test
    void keysOfAnUpgradedDatabaseKeepEveryScope() throws Exception {
        String db = pg.createDatabase("key_scopes");
        Path previousRelease = MigrationUpgrades.migrationsWithout(ADDED);
        Flyway.configure()
                .dataSource(pg.jdbcUrl(db), pg.username(), pg.password())
                .locations("filesystem:" + previousRelease)
                .load()
                .migrate();
        assertThat(highestApplied(db)).as("the previous release's schema").isGreaterThan(12);
        UUID tenant = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        try (Connection c = pg.connect(db)) {
            exec(
                    c,
                    "insert into tenant (id, slug, display_name, status, currency, time_zone, plan_id)"
                            + " values ('" + tenant + "', 'scopes-upgrade', 'Upgrade Co', 'ACTIVE', 'USD', 'UTC', '"
                            + FREE_PLAN + "')");
            exec(
                    c,
                    "insert into project (id, tenant_id, name, status) values ('" + project + "', '" + tenant
                            + "', 'app', 'ACTIVE')");
            oldStyleKey(c, tenant, project, "keybeforeupgrade");
        }

        assertThat(flyway(db).load().migrate().migrationsExecuted)
                .as("the upgrade applies V012 and V013, below the database's version")
                .isEqualTo(ADDED.size());

        try (Connection c = pg.connect(db)) {
            assertThat(scopes(c, "keybeforeupgrade")).isEqualTo("{inference,billing:read}");
            // The previous version's insert, after the upgrade (an old replica during a rolling upgrade).
            oldStyleKey(c, tenant, project, "keyfromoldreplica");
            assertThat(scopes(c, "keyfromoldreplica")).isEqualTo("{inference,billing:read}");

            assertThrows(
                    SQLException.class,
                    () -> exec(c, "update api_key set scopes = '{}' where public_id = 'keybeforeupgrade'"),
                    "a key without any scope");
            assertThrows(
                    SQLException.class,
                    () -> exec(c, "update api_key set scopes = '{billing:write}' where public_id = 'keybeforeupgrade'"),
                    "an unknown scope");
            exec(c, "update api_key set scopes = '{billing:read}' where public_id = 'keybeforeupgrade'");
        }

        // What authentication reads: the upgraded key has both scopes; a changed one has what it was given.
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.jdbcUrl(db));
        ds.setUser(pg.username());
        ds.setPassword(pg.password());
        ApiKeyStore store = new ApiKeyStore(ds);
        assertThat(store.findKey("keyfromoldreplica").orElseThrow().scopes())
                .containsExactlyInAnyOrder(ApiKeyScope.INFERENCE, ApiKeyScope.BILLING_READ);
        assertThat(store.findKey("keybeforeupgrade").orElseThrow().scopes()).containsExactly(ApiKeyScope.BILLING_READ);
    }

    /** The insert of the version before scopes (as {@code ApiKeyService} wrote it then): no scopes column. */
    private static void oldStyleKey(Connection c, UUID tenant, UUID project, String publicId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into api_key (id, tenant_id, project_id, public_id, name,"
                + " secret_hash, last4, allowed_models, status, created_by) values (?, ?, ?, ?, 'old', ?, 'abcd',"
                + " '{}', 'ACTIVE', 'admin')")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, tenant);
            s.setObject(3, project);
            s.setString(4, publicId);
            s.setBytes(5, new byte[32]);
            s.executeUpdate();
        }
    }

    private static String scopes(Connection c, String publicId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select scopes::text from api_key where public_id = ?")) {
            s.setString(1, publicId);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Flyway as the gateway configures it, on database {@code db} of the test server. */
    private FluentConfiguration flyway(String db) throws IOException {
        return MigrationUpgrades.gatewayFlyway(pg.jdbcUrl(db), pg.username(), pg.password());
    }

    private int highestApplied(String db) throws SQLException {
        try (Connection c = pg.connect(db);
                Statement s = c.createStatement();
                var rs = s.executeQuery(
                        "select max(version::int) from flyway_schema_history where version is not null")) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }
}
