package io.ascendant.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ascendant.gateway.testsupport.SharedPostgres;
import io.ascendant.tenancy.apikey.ApiKeyScope;
import io.ascendant.tenancy.apikey.ApiKeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * V012 on a database upgraded from the version before API-key scopes: every key that existed keeps what it could do
 * (both scopes), a row inserted the way the previous version inserts keys (no scopes column) gets both as well, and
 * the database refuses an empty or unknown scope. Plain JUnit on a database of its own on the shared test PostgreSQL,
 * migrated by Flyway exactly as {@code ascendant migrate} does.
 */
class ApiKeyScopesMigrationTest {

    private static final String BEFORE = "011";
    private static final UUID FREE_PLAN = UUID.fromString("0190a0e0-0000-7000-8000-000000000001");

    private final SharedPostgres pg = SharedPostgres.get();

    @Test
    void keysOfAnUpgradedDatabaseKeepEveryScope() throws Exception {
        String db = pg.createDatabase("key_scopes");
        flyway(db).target(BEFORE).load().migrate();
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

        assertThat(flyway(db).load().migrate().migrationsExecuted).isGreaterThanOrEqualTo(1);

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

    private FluentConfiguration flyway(String db) {
        return Flyway.configure()
                .dataSource(pg.jdbcUrl(db), pg.username(), pg.password())
                .locations("classpath:db/migration")
                .cleanDisabled(true);
    }
}
