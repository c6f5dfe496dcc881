package io.ascendant.admin.quota;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads the tenant-level hard budgets of the current period from the gateways' quota state ({@code quota_account},
 * V060) and their {@code EXHAUSTED} events (V071). Read-only: the quota engine owns these tables; their meaning is in
 * {@code docs/quotas.md}. A budget appears once a request has been admitted or refused under it this period.
 */
@ApplicationScoped
public class BudgetStatusQueries {

    private static final String SQL = "SELECT a.pool_key, a.unit, a.currency, a.period_start, a.period_end,"
            + " a.limit_amount, a.committed, a.reserved, (SELECT min(e.occurred_at) FROM quota_event e"
            + " WHERE e.account_id = a.id AND e.kind = 'EXHAUSTED')"
            + " FROM quota_account a WHERE (a.pool_key LIKE ? OR a.pool_key LIKE ?) AND a.unit <> 'REQUESTS'"
            + " AND a.period_start <= ? AND a.period_end > ? ORDER BY a.pool_key";

    private final DataSource dataSource;
    private final Clock clock;

    @Inject
    public BudgetStatusQueries(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    BudgetStatusQueries(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The tenant-level money and token budgets of {@code tenantId} in their current period, by pool key. */
    public BudgetReport current(UUID tenantId) {
        Timestamp now = Timestamp.from(clock.instant());
        List<Integer> thresholds = thresholds();
        List<BudgetStatus> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, "money:tenant:" + tenantId + ":%");
            ps.setString(2, "tokens:tenant:" + tenantId + ":%");
            ps.setTimestamp(3, now);
            ps.setTimestamp(4, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    // <unit>:tenant:<uuid>:<model or *>:<DAY|MONTH>
                    String[] parts = key.split(":");
                    String currency = rs.getString(3);
                    Timestamp exhaustedAt = rs.getTimestamp(9);
                    out.add(new BudgetStatus(
                            key,
                            rs.getString(2),
                            currency == null ? null : currency.trim(),
                            parts.length >= 5 ? parts[3] : "*",
                            parts.length >= 5 ? parts[parts.length - 1] : null,
                            rs.getTimestamp(4).toInstant(),
                            rs.getTimestamp(5).toInstant(),
                            plain(rs.getBigDecimal(6)),
                            plain(rs.getBigDecimal(7)),
                            plain(rs.getBigDecimal(8)),
                            exhaustedAt != null,
                            exhaustedAt == null ? null : exhaustedAt.toInstant()));
                }
            }
            return new BudgetReport(thresholds, List.copyOf(out));
        } catch (SQLException e) {
            throw new IllegalStateException("budget status query failed: SQLState " + e.getSQLState(), e);
        }
    }

    /**
     * The soft thresholds the gateways record events at: {@code gateway.quota.thresholds} (default 80,100), read by
     * name because admin-ui cannot depend on the gateway module.
     */
    static List<Integer> thresholds() {
        return ConfigProvider.getConfig()
                .getOptionalValues("gateway.quota.thresholds", Integer.class)
                .map(l -> l.stream().filter(p -> p > 0).sorted().distinct().toList())
                .orElse(List.of(80, 100));
    }

    private static BigDecimal plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
