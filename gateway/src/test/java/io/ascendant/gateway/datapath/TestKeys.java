package io.ascendant.gateway.datapath;

import io.ascendant.tenancy.apikey.ApiKeyAuthentication;
import io.ascendant.tenancy.apikey.ApiKeyFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Creates real tenants, projects and API keys in the test database (the rows tenancy's authentication reads), so
 * data-path tests authenticate through the real mechanism.
 */
@ApplicationScoped
public class TestKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    DataSource dataSource;

    @Inject
    ApiKeyAuthentication authentication;

    /** A key of a new tenant. */
    public record Key(String text, UUID tenantId, UUID projectId, UUID keyId) {}

    /** A new USD tenant with one project and one key allowed to use {@code models} (empty: all). */
    public Key create(Set<String> models) {
        return create(models, "USD");
    }

    /**
     * A new tenant billed in {@code currency} (tenant and billing account, written directly: the admin API only
     * accepts currencies the price book has list prices in), with one project and one key allowed to use {@code
     * models} (empty: all).
     */
    public Key create(Set<String> models, String currency) {
        return create(UUID.randomUUID(), models, currency);
    }

    /**
     * Like {@link #create(Set, String)}, for the tenant id {@code tenant}: a test whose configuration names a tenant
     * (it must be one no other test uses, and is created once per test run).
     */
    public Key create(UUID tenant, Set<String> models, String currency) {
        UUID plan = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        UUID key = UUID.randomUUID();
        ApiKeyFormat.Generated g = ApiKeyFormat.generate(RANDOM);
        String slug = "t-" + tenant.toString().substring(0, 8);
        try (Connection c = dataSource.getConnection()) {
            exec(c, "insert into plan (id, code, name) values (?, ?, ?)", plan, "p-" + slug, "Test plan");
            exec(
                    c,
                    "insert into tenant (id, slug, display_name, status, currency, time_zone, plan_id)"
                            + " values (?, ?, ?, 'ACTIVE', ?, 'UTC', ?)",
                    tenant,
                    slug,
                    "Tenant " + slug,
                    currency,
                    plan);
            exec(
                    c,
                    "insert into project (id, tenant_id, name, status) values (?, ?, 'default', 'ACTIVE')",
                    project,
                    tenant);
            try (PreparedStatement s = c.prepareStatement("insert into api_key (id, tenant_id, project_id, public_id,"
                    + " name, secret_hash, last4, allowed_models, status, created_by) values (?, ?, ?, ?, 'test', ?,"
                    + " ?, ?, 'ACTIVE', 'test')")) {
                s.setObject(1, key);
                s.setObject(2, tenant);
                s.setObject(3, project);
                s.setString(4, g.publicId());
                s.setBytes(5, authentication.hasher().hash(g.text()));
                s.setString(6, g.text().substring(g.text().length() - 4));
                s.setArray(7, c.createArrayOf("varchar", models.toArray()));
                s.executeUpdate();
            }
            exec(
                    c,
                    "insert into billing_account (tenant_id, display_name, currency, time_zone) values (?, ?, ?, 'UTC')",
                    tenant,
                    "Tenant " + slug,
                    currency);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Key(g.text(), tenant, project, key);
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
