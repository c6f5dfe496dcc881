package io.ascendant.gateway.testsupport;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Tenant-wide limits ({@code limit_set} rows of scope {@code TENANT} for every model, {@code '*'}) written straight to
 * the test database, for data-path tests that need a limit on a key's tenant without going through the admin API.
 * The gateway reads limits when a request is admitted, so a row written before the first request applies to it.
 */
public final class TenantLimitRows {

    private TenantLimitRows() {}

    /** At most {@code requests} requests per minute for the tenant. */
    public static void requestsPerMinute(DataSource ds, UUID tenant, int requests) throws SQLException {
        insert(ds, tenant, "requests_per_minute", null, requests);
    }

    /**
     * A money budget of {@code amount} (the tenant's currency) per {@code period}.
     *
     * @param period {@code DAY} or {@code MONTH}
     */
    public static void moneyBudget(DataSource ds, UUID tenant, String period, BigDecimal amount) throws SQLException {
        insert(ds, tenant, "budget_amount", period, amount);
    }

    /**
     * A budget of {@code tokens} tokens (prompt plus output) per {@code period}.
     *
     * @param period {@code DAY} or {@code MONTH}
     */
    public static void tokenBudget(DataSource ds, UUID tenant, String period, long tokens) throws SQLException {
        insert(ds, tenant, "budget_tokens", period, tokens);
    }

    /** One row setting {@code column} (and the budget period, when not null); the column name is ours, never input. */
    private static void insert(DataSource ds, UUID tenant, String column, String period, Object value)
            throws SQLException {
        String sql = period == null
                ? "INSERT INTO limit_set (id, scope, owner_id, tenant_id, model, " + column
                        + ", updated_by) VALUES (?, 'TENANT', ?, ?, '*', ?, 'test')"
                : "INSERT INTO limit_set (id, scope, owner_id, tenant_id, model, budget_period, " + column
                        + ", updated_by) VALUES (?, 'TENANT', ?, ?, '*', ?, ?, 'test')";
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, UUID.randomUUID());
            ps.setObject(i++, tenant);
            ps.setObject(i++, tenant);
            if (period != null) {
                ps.setString(i++, period);
            }
            ps.setObject(i, value);
            ps.executeUpdate();
        }
    }
}
