package io.ascendant.gateway.testsupport;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Tenant-wide limits ({@code limit_set} rows of scope {@code TENANT} for every model, {@code '*'}), or a row of any
 * scope ({@link #scoped}), written straight to the test database, for data-path tests that need a limit without going
 * through the admin API.
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

    /**
     * One row of any scope setting {@code column} to {@code value}.
     *
     * @param scope {@code TENANT}, {@code PROJECT} or {@code KEY}
     * @param owner the id of the tenant, project or key the scope names
     * @param model a model's public name, or {@code *} for every model
     * @param period {@code DAY} or {@code MONTH} for a budget column, else null
     * @param column a {@code limit_set} column, for example {@code tokens_per_minute} (ours, never input)
     */
    public static void scoped(
            DataSource ds,
            String scope,
            UUID owner,
            UUID tenant,
            String model,
            String period,
            String column,
            Object value)
            throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO limit_set (id, scope, owner_id, tenant_id, model,"
                                + " budget_period, " + column + ", updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, 'test')")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, scope);
            ps.setObject(3, owner);
            ps.setObject(4, tenant);
            ps.setString(5, model);
            ps.setString(6, period);
            ps.setObject(7, value);
            ps.executeUpdate();
        }
    }

    private static void insert(DataSource ds, UUID tenant, String column, String period, Object value)
            throws SQLException {
        scoped(ds, "TENANT", tenant, tenant, "*", period, column, value);
    }
}
