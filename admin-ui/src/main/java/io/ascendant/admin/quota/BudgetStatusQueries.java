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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads the hard budgets of a tenant, of its projects or of its keys in the current period from the gateways' quota
 * state ({@code quota_account}, V060) and their {@code EXHAUSTED} events (V071). Read-only: the quota engine owns these
 * tables; their meaning is in {@code docs/quotas.md}. A budget that is set but has no counter this period yet (the
 * gateways open one on its first request) is listed too, with nothing held: a tenant budget with its period and the
 * usage ledger's sum for it as settled (what its counter will open with), a project or key budget with nothing settled
 * and no period bounds.
 *
 * <p>Pool keys read {@code [shadow-]<money|tokens>:<level>:<owner id>:<model or *>:<DAY|MONTH>}
 * ({@code QuotaPolicies} in the gateway). Owners are joined with tenancy's tables, so a project or key of another
 * tenant never shows, and pages are keyed by pool key so a tenant with thousands of keys pages on the server.
 */
@ApplicationScoped
public class BudgetStatusQueries {

    /** Largest page of {@link #current(UUID, Level, String, int)}. */
    public static final int MAX_PAGE = 500;

    /** The level of a budget and where its owner lives (fixed table and column names, never user input). */
    public enum Level {
        TENANT("tenant", "tenant", "id", "display_name"),
        PROJECT("project", "project", "tenant_id", "name"),
        KEY("key", "api_key", "tenant_id", "name");

        private final String poolLevel;
        private final String sql;

        Level(String poolLevel, String table, String tenantColumn, String nameColumn) {
            this.poolLevel = poolLevel;
            String counted = "SELECT a.pool_key, a.unit, a.currency, a.period_start, a.period_end, a.limit_amount,"
                    + " a.committed, a.reserved, (SELECT min(e.occurred_at) FROM quota_event e"
                    + " WHERE e.account_id = a.id AND e.kind = 'EXHAUSTED') AS exhausted_at, o.id AS owner_id,"
                    + " o." + nameColumn + " AS owner_name"
                    + " FROM quota_account a JOIN " + table + " o ON o.id::text = split_part(a.pool_key, ':', 3)"
                    + " WHERE o." + tenantColumn + " = ? AND split_part(a.pool_key, ':', 2) = ?"
                    + " AND split_part(a.pool_key, ':', 1) IN ('money', 'tokens', 'shadow-money', 'shadow-tokens')"
                    + " AND a.period_start <= ? AND a.period_end > ?";
            if (poolLevel.equals("tenant")) {
                // Tenant budgets without a counter yet come from the effective limits (UncountedTenantBudgets).
                this.sql = counted + " AND a.pool_key > ? ORDER BY a.pool_key LIMIT ?";
                return;
            }
            // Project and key budgets that are set but have no counter this period yet (the gateways open a period
            // on its first request) are listed too, with nothing settled or held and no period bounds, so every
            // budget has its bar. Matched by owner, unit and period; the key mirrors QuotaPolicies' pool keys.
            String unused =
                    "SELECT u.prefix || ':' || ? || ':' || l.owner_id || ':' || l.model || ':' || l.budget_period,"
                            + " u.unit, CASE WHEN u.unit = 'MONEY' THEN t.currency END, NULL::timestamptz, NULL::timestamptz,"
                            + " u.amount, 0::numeric, 0::numeric, NULL::timestamptz, o.id, o." + nameColumn
                            + " FROM limit_set l JOIN " + table
                            + " o ON o.id = l.owner_id JOIN tenant t ON t.id = l.tenant_id"
                            + " CROSS JOIN LATERAL (VALUES ('money', 'MONEY', l.budget_amount),"
                            + " ('tokens', 'TOKENS', l.budget_tokens::numeric)) u(prefix, unit, amount)"
                            + " WHERE l.scope = ? AND l.tenant_id = ? AND u.amount IS NOT NULL AND NOT EXISTS ("
                            + " SELECT 1 FROM quota_account a WHERE a.pool_key LIKE u.prefix || ':' || ? || ':' || l.owner_id || ':%'"
                            + " AND a.period_start <= ? AND a.period_end > ?)";
            this.sql = "SELECT * FROM (" + counted + " UNION ALL " + unused + ") b WHERE b.pool_key > ?"
                    + " ORDER BY b.pool_key LIMIT ?";
        }

        /** The level as the API and the pool keys spell it: {@code tenant}, {@code project}, {@code key}. */
        public String wire() {
            return poolLevel;
        }

        /** The level named {@code s}, or empty. */
        public static Optional<Level> parse(String s) {
            for (Level l : values()) {
                if (l.poolLevel.equals(s)) {
                    return Optional.of(l);
                }
            }
            return Optional.empty();
        }
    }

    private final DataSource dataSource;
    private final UncountedTenantBudgets uncounted;
    private final Clock clock;

    @Inject
    public BudgetStatusQueries(DataSource dataSource, UncountedTenantBudgets uncounted) {
        this(dataSource, uncounted, Clock.systemUTC());
    }

    BudgetStatusQueries(DataSource dataSource, UncountedTenantBudgets uncounted, Clock clock) {
        this.dataSource = dataSource;
        this.uncounted = uncounted;
        this.clock = clock;
    }

    /** The tenant-level money and token budgets of {@code tenantId} in their current period, by pool key. */
    public BudgetReport current(UUID tenantId) {
        return current(tenantId, Level.TENANT, null, MAX_PAGE);
    }

    /**
     * One page of the money and token budgets (enforced and shadow) at {@code level} of {@code tenantId} in their
     * current period, ordered by pool key.
     *
     * @param cursor the previous page's {@code nextCursor}, or null for the first page
     * @param limit page size, 1 to {@value #MAX_PAGE}
     */
    public BudgetReport current(UUID tenantId, Level level, String cursor, int limit) {
        Timestamp now = Timestamp.from(clock.instant());
        List<Integer> thresholds = thresholds();
        List<BudgetStatus> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(level.sql)) {
            int i = 1;
            ps.setObject(i++, tenantId);
            ps.setString(i++, level.poolLevel);
            ps.setTimestamp(i++, now);
            ps.setTimestamp(i++, now);
            if (level != Level.TENANT) {
                ps.setString(i++, level.poolLevel);
                ps.setString(i++, level.name());
                ps.setObject(i++, tenantId);
                ps.setString(i++, level.poolLevel);
                ps.setTimestamp(i++, now);
                ps.setTimestamp(i++, now);
            }
            ps.setString(i++, cursor == null ? "" : cursor);
            ps.setInt(i, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs, level));
                }
            }
            if (level == Level.TENANT) {
                // A counter outlives its budget until the period ends: a removed (or re-periodised) tenant budget is
                // no longer enforced, so its counter, used up or not, is not shown as a budget.
                var configured = uncounted.configured(c, tenantId, now.toInstant());
                out.removeIf(b -> !b.shadow() && !configured.containsKey(b.poolKey()));
                String after = cursor == null ? "" : cursor;
                for (BudgetStatus b : uncounted.list(c, tenantId, now.toInstant())) {
                    if (b.poolKey().compareTo(after) > 0) {
                        out.add(b);
                    }
                }
                out.sort(java.util.Comparator.comparing(BudgetStatus::poolKey));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("budget status query failed: SQLState " + e.getSQLState(), e);
        }
        String next = null;
        if (out.size() > limit) {
            out = out.subList(0, limit);
            next = out.getLast().poolKey();
        }
        return new BudgetReport(thresholds, List.copyOf(out), next);
    }

    private static BudgetStatus row(ResultSet rs, Level level) throws SQLException {
        String key = rs.getString(1);
        // [shadow-]<unit>:<level>:<owner>:<model or *, may itself hold ':'>:<DAY|MONTH>
        String[] parts = key.split(":");
        String model = parts.length >= 5 ? String.join(":", Arrays.copyOfRange(parts, 3, parts.length - 1)) : "*";
        String currency = rs.getString(3);
        Timestamp exhaustedAt = rs.getTimestamp(9);
        return new BudgetStatus(
                key,
                level.poolLevel,
                rs.getObject(10, UUID.class),
                rs.getString(11),
                key.startsWith("shadow-"),
                rs.getString(2),
                currency == null ? null : currency.trim(),
                model,
                parts.length >= 5 ? parts[parts.length - 1] : null,
                instant(rs.getTimestamp(4)),
                instant(rs.getTimestamp(5)),
                plain(rs.getBigDecimal(6)),
                plain(rs.getBigDecimal(7)),
                plain(rs.getBigDecimal(8)),
                exhaustedAt != null,
                exhaustedAt == null ? null : exhaustedAt.toInstant());
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

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static BigDecimal plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
