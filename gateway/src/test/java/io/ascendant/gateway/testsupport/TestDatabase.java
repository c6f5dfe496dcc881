package io.ascendant.gateway.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.tenancy.apikey.ApiKeyFormat;
import io.ascendant.tenancy.apikey.ApiKeyHasher;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A database of its own on the shared PostgreSQL for integration tests whose gateways run as child processes
 * ({@link GatewayProcess}): the children get its connection settings, the test writes fixtures and reads what the
 * gateways stored with plain JDBC, one connection per statement (there is no injected DataSource outside Quarkus).
 * Created empty; the gateways' Flyway migrates it when they start.
 */
public final class TestDatabase {

    private final SharedPostgres pg;
    private final String name;

    private TestDatabase(SharedPostgres pg, String name) {
        this.pg = pg;
        this.name = name;
    }

    /**
     * A new, empty database.
     *
     * @param prefix of the name, as {@link SharedPostgres#createDatabase} takes it
     */
    public static TestDatabase create(String prefix) {
        SharedPostgres pg = SharedPostgres.get();
        return new TestDatabase(pg, pg.createDatabase(prefix));
    }

    /** Its JDBC URL, for {@code QUARKUS_DATASOURCE_JDBC_URL}. */
    public String jdbcUrl() {
        return pg.jdbcUrl(name);
    }

    /** The user name, for {@code QUARKUS_DATASOURCE_USERNAME}. */
    public String username() {
        return pg.username();
    }

    /** The password, for {@code QUARKUS_DATASOURCE_PASSWORD}. */
    public String password() {
        return pg.password();
    }

    /** Runs one statement (an insert, update or delete) with {@code params} bound in order. */
    public void exec(String sql, Object... params) throws SQLException {
        try (Connection c = pg.connect(name);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /**
     * The first column of the first row of {@code sql} with {@code param} bound to its one {@code ?}; fails the test
     * when there is no row. An SQLException becomes an IllegalStateException, so the call fits in a polled condition.
     */
    public BigDecimal decimal(String sql, Object param) {
        try (Connection c = pg.connect(name);
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for %s: %s", param, sql).isTrue();
                return rs.getBigDecimal(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #decimal} of a count (or any whole number); fails when it is not a whole number that fits a long. */
    public long count(String sql, Object param) {
        return decimal(sql, param).longValueExact();
    }

    /** A tenant seeded by {@link #seedTenantWithKey}: its id and its one API key's text. */
    public record SeededTenant(UUID id, String key) {}

    /**
     * Seeds, by SQL, what a child-process gateway needs to serve one key: a new plan without limits, an ACTIVE tenant
     * (USD, UTC) with one project and one key hashed with {@code pepper}, a billing account, and a tenant price for
     * {@code model} in force since an hour ago: prompt tokens free, output at {@code outputPerMtok} USD per million.
     *
     * @param slugPrefix start of the tenant's slug (a random suffix keeps it unique)
     * @param source the price version's {@code source} column
     */
    public SeededTenant seedTenantWithKey(
            String slugPrefix, String pepper, String model, BigDecimal outputPerMtok, String source)
            throws SQLException {
        UUID plan = UUID.randomUUID();
        UUID tenant = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        ApiKeyFormat.Generated g = ApiKeyFormat.generate(new SecureRandom());
        String slug = slugPrefix + "-" + tenant.toString().substring(0, 8);
        exec("INSERT INTO plan (id, code, name) VALUES (?, ?, 'IT')", plan, slug);
        exec(
                "INSERT INTO tenant (id, slug, display_name, status, currency, time_zone, plan_id)"
                        + " VALUES (?, ?, ?, 'ACTIVE', 'USD', 'UTC', ?)",
                tenant,
                slug,
                slug,
                plan);
        exec("INSERT INTO project (id, tenant_id, name, status) VALUES (?, ?, 'it', 'ACTIVE')", project, tenant);
        exec(
                "INSERT INTO api_key (id, tenant_id, project_id, public_id, name, secret_hash, last4, status,"
                        + " created_by) VALUES (?, ?, ?, ?, 'it', ?, ?, 'ACTIVE', 'it')",
                UUID.randomUUID(),
                tenant,
                project,
                g.publicId(),
                new ApiKeyHasher(pepper).hash(g.text()),
                g.text().substring(g.text().length() - 4));
        exec(
                "INSERT INTO billing_account (tenant_id, display_name, currency, time_zone) VALUES (?, ?, 'USD',"
                        + " 'UTC')",
                tenant,
                slug);
        exec(
                "INSERT INTO price_book_version (model, currency, tenant_id, effective_from, cache_hit_per_mtok,"
                        + " cache_miss_per_mtok, output_per_mtok, source, created_by)"
                        + " VALUES (?, 'USD', ?, now() - interval '1 hour', 0, 0, ?, ?, 'it')",
                model,
                tenant,
                outputPerMtok,
                source);
        return new SeededTenant(tenant, g.text());
    }
}
