package io.ascendant.billing.rollup;

import io.ascendant.billing.BillingException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Usage reports from the rollups (never a scan of the ledger), for the tenant and admin APIs and the console. */
@ApplicationScoped
public class UsageQueries {

    /** Longest range one query may span, in days. */
    public static final int MAX_DAYS = 400;

    private final DataSource dataSource;

    @Inject
    public UsageQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A tenant's usage per local day × model × key in [from, to] (inclusive), ordered by day, model, key.
     *
     * @throws BillingException.Invalid when {@code to} is before {@code from} or the range exceeds {@value #MAX_DAYS}
     *     days
     */
    public List<UsageBucket> daily(UUID tenantId, LocalDate from, LocalDate to) {
        if (from == null || to == null || to.isBefore(from)) {
            throw new BillingException.Invalid("to", "the range needs from <= to (ISO dates, inclusive)");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new BillingException.Invalid("to", "a usage query spans at most " + MAX_DAYS + " days");
        }
        List<UsageBucket> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT day, model, key_id, project_id, currency,"
                        + " sum(requests), sum(cache_hit_tokens), sum(cache_miss_tokens), sum(output_tokens),"
                        + " sum(reasoning_tokens), sum(amount) FROM usage_rollup_day"
                        + " WHERE tenant_id = ? AND day >= ?::date AND day <= ?::date"
                        + " GROUP BY day, model, key_id, project_id, currency ORDER BY day, model, key_id")) {
            ps.setObject(1, tenantId);
            ps.setString(2, from.toString());
            ps.setString(3, to.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal amount = rs.getBigDecimal(11).stripTrailingZeros();
                    out.add(new UsageBucket(
                            LocalDate.parse(rs.getString(1)),
                            rs.getString(2),
                            rs.getObject(3, UUID.class),
                            rs.getObject(4, UUID.class),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getLong(8),
                            rs.getLong(9),
                            rs.getLong(10),
                            amount.scale() < 0 ? amount.setScale(0) : amount,
                            rs.getString(5).trim()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("usage query failed: SQLState " + e.getSQLState(), e);
        }
    }

    /** Runs {@link Reconciler} on the application's datasource. */
    public Reconciler.Report reconcile() {
        try (Connection c = dataSource.getConnection()) {
            return Reconciler.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("reconcile failed: SQLState " + e.getSQLState(), e);
        }
    }
}
