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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads the hard budgets of a tenant, of its projects or of its keys in the current period from the gateways' quota
 * state ({@code quota_account}, V060) and their {@code EXHAUSTED} events (V071). Read-only: the quota engine owns these
 * tables; their meaning is in {@code docs/quotas.md}. A budget that is set but has no counter this period yet (the
 * gateways open one on its first request) is listed too, with nothing held: a tenant budget with its period and the
 * usage ledger's sum for it as settled (what its counter will open with), a project or key budget with nothing settled
 * and no period bounds. A budget that was removed is not listed, though its counter lives on until the period ends: the
 * gateways no longer enforce it. A key and the keys rotated from it share their counters, so they are one row (per
 * budget), shown as the lineage's current key.
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
        TENANT("tenant", null),
        PROJECT(
                "project",
                "owners(root, id, name) AS (SELECT o.id, o.id, o.name FROM project o, p"
                        + " WHERE o.tenant_id = p.tenant_id)"),
        // A key's counters belong to its rotation lineage, keyed by the first key of the chain (api_key.rotated_from,
        // EffectiveLimits.keyLineageId): one owner per lineage, shown as its current key (the newest not revoked,
        // else the newest), whose limits are the ones that key's requests are held to.
        KEY(
                "key",
                "chain(id, root, depth) AS (SELECT k.id, k.id, 0 FROM api_key k, p WHERE k.tenant_id = p.tenant_id"
                        + " AND k.rotated_from IS NULL UNION ALL SELECT k.id, c.root, c.depth + 1 FROM api_key k"
                        + " JOIN chain c ON k.rotated_from = c.id, p WHERE k.tenant_id = p.tenant_id"
                        + " AND c.depth < 10000),"
                        + " owners(root, id, name) AS (SELECT DISTINCT ON (c.root) c.root, k.id, k.name FROM chain c"
                        + " JOIN api_key k ON k.id = c.id ORDER BY c.root, k.status = 'REVOKED', k.created_at DESC,"
                        + " k.id DESC)");

        /**
         * The limit the account's {@code EXHAUSTED} event (one per account) was recorded under: the limit the refusing
         * gateway applied.
         */
        private static final String REFUSED_UNDER =
                "(SELECT e.limit_amount FROM quota_event e" + " WHERE e.account_id = a.id AND e.kind = 'EXHAUSTED')";

        private final String poolLevel;
        private final String sql;
        private final Pattern cursorShape;

        Level(String poolLevel, String owners) {
            this.poolLevel = poolLevel;
            this.cursorShape = Pattern.compile("(shadow-)?(money|tokens):" + poolLevel
                    + ":\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}:.+:(DAY|MONTH)");
            if (owners == null) {
                // Tenant budgets without a counter yet come from the effective limits (UncountedTenantBudgets), and
                // counters of removed tenant budgets are dropped against them in current().
                this.sql = "SELECT a.pool_key, a.unit, a.currency, a.period_start, a.period_end, a.limit_amount,"
                        + " a.committed, a.reserved, (SELECT min(e.occurred_at) FROM quota_event e"
                        + " WHERE e.account_id = a.id AND e.kind = 'EXHAUSTED') AS exhausted_at, o.id AS owner_id,"
                        + " o.display_name AS owner_name, " + REFUSED_UNDER + " AS exhausted_limit"
                        + " FROM quota_account a JOIN tenant o ON o.id::text = split_part(a.pool_key, ':', 3)"
                        + " WHERE o.id = ? AND split_part(a.pool_key, ':', 2) = ?"
                        + " AND split_part(a.pool_key, ':', 1) IN ('money', 'tokens', 'shadow-money', 'shadow-tokens')"
                        + " AND a.period_start <= ? AND a.period_end > ? AND a.pool_key > ? ORDER BY a.pool_key LIMIT ?";
                return;
            }
            // Project and key budgets are listed from their limits as configured now (so a removed budget is gone,
            // even while its counter lives on until the period ends), each with its counter this period when the
            // gateways have opened one, else with nothing settled or held and no period bounds. The pool keys mirror
            // QuotaPolicies: a model row's budget has its own counter only when it differs from the all-models one
            // (LimitValues.overlay). Shadow budgets are listed from their counters, as before.
            String configured = "s AS (SELECT o.root, o.id AS owner_id, o.name AS owner_name, l.model, l.budget_period,"
                    + " l.budget_amount, l.budget_tokens FROM owners o JOIN limit_set l ON l.owner_id = o.id"
                    + " JOIN p ON l.tenant_id = p.tenant_id WHERE l.scope = '" + name() + "'),"
                    + " configured AS (SELECT DISTINCT ON (x.pool_key) x.* FROM (SELECT u.prefix || ':' || p.lvl"
                    + " || ':' || m.root || ':' || CASE WHEN m.model = '*' OR u.own IS NULL OR u.own = u.star"
                    + " THEN '*' ELSE m.model END || ':' || coalesce(m.budget_period, st.budget_period) AS pool_key,"
                    + " u.unit, coalesce(u.own, u.star) AS amount, m.owner_id, m.owner_name, m.model <> '*' AS specific"
                    + " FROM s m LEFT JOIN s st ON st.owner_id = m.owner_id AND st.model = '*' CROSS JOIN p"
                    + " CROSS JOIN LATERAL (VALUES ('money', 'MONEY', m.budget_amount, st.budget_amount),"
                    + " ('tokens', 'TOKENS', m.budget_tokens::numeric, st.budget_tokens::numeric)) u(prefix, unit, own, star)"
                    + " WHERE coalesce(u.own, u.star) IS NOT NULL"
                    + " AND coalesce(m.budget_period, st.budget_period) IS NOT NULL) x"
                    + " ORDER BY x.pool_key, x.specific)";
            String exhausted = "(SELECT min(e.occurred_at) FROM quota_event e WHERE e.account_id = a.id"
                    + " AND e.kind = 'EXHAUSTED')";
            // The limit is the configured one, which the gateways apply as soon as it changes; the counter's
            // limit_amount is only updated by a gateway's next grant on it.
            this.sql = "WITH RECURSIVE p(tenant_id, lvl, now) AS (SELECT CAST(? AS uuid), CAST(? AS text),"
                    + " CAST(? AS timestamptz)), " + owners + ", " + configured
                    + " SELECT * FROM (SELECT c.pool_key, c.unit, CASE WHEN a.id IS NOT NULL THEN a.currency"
                    + " WHEN c.unit = 'MONEY' THEN t.currency END AS currency, a.period_start, a.period_end,"
                    + " c.amount AS limit_amount, coalesce(a.committed, 0) AS committed,"
                    + " coalesce(a.reserved, 0) AS reserved, " + exhausted + " AS exhausted_at, c.owner_id,"
                    + " c.owner_name, " + REFUSED_UNDER + " AS exhausted_limit"
                    + " FROM configured c CROSS JOIN p JOIN tenant t ON t.id = p.tenant_id"
                    + " LEFT JOIN quota_account a ON a.pool_key = c.pool_key AND a.period_start <= p.now"
                    + " AND a.period_end > p.now"
                    + " UNION ALL SELECT a.pool_key, a.unit, a.currency, a.period_start, a.period_end, a.limit_amount,"
                    + " a.committed, a.reserved, " + exhausted + ", o.id, o.name, " + REFUSED_UNDER
                    + " FROM quota_account a"
                    + " JOIN owners o ON o.root::text = split_part(a.pool_key, ':', 3) CROSS JOIN p"
                    + " WHERE split_part(a.pool_key, ':', 2) = p.lvl"
                    + " AND split_part(a.pool_key, ':', 1) IN ('shadow-money', 'shadow-tokens')"
                    + " AND a.period_start <= p.now AND a.period_end > p.now) b"
                    + " WHERE b.pool_key > ? ORDER BY b.pool_key LIMIT ?";
        }

        /** The level as the API and the pool keys spell it: {@code tenant}, {@code project}, {@code key}. */
        public String wire() {
            return poolLevel;
        }

        /**
         * Whether {@code cursor} can be a {@code nextCursor} of this level's listing: a pool key of this level
         * ({@code [shadow-]<money|tokens>:<level>:<owner id>:<model or *>:<DAY|MONTH>}). Anything else was never
         * returned by a page, and would silently start the listing somewhere arbitrary.
         */
        public boolean accepts(String cursor) {
            return cursorShape.matcher(cursor).matches();
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
        String after = cursor == null ? "" : cursor;
        try (Connection c = dataSource.getConnection()) {
            if (level != Level.TENANT) {
                out.addAll(counters(c, level, tenantId, now, after, limit + 1, Map.of()));
            } else {
                // A counter outlives its budget until the period ends: a removed (or re-periodised) tenant budget is
                // no longer enforced, so its counter, used up or not, is not shown as a budget. Dropping those can
                // leave a batch short, so batches are read until the page is full or the counters run out.
                var configured = uncounted.configured(c, tenantId, now.toInstant());
                String read = after;
                boolean more = true;
                while (more && out.size() <= limit) {
                    List<BudgetStatus> batch = counters(c, level, tenantId, now, read, limit + 1, configured);
                    more = batch.size() == limit + 1;
                    if (!batch.isEmpty()) {
                        read = batch.getLast().poolKey();
                    }
                    batch.removeIf(b -> !b.shadow() && !configured.containsKey(b.poolKey()));
                    out.addAll(batch);
                }
                // Configured budgets without a counter yet, merged in key order; while counters remain unread, only
                // up to the last one read, so that the next page's cursor never skips a counter.
                String upTo = more ? read : null;
                for (BudgetStatus b : uncounted.list(c, tenantId, now.toInstant())) {
                    if (b.poolKey().compareTo(after) > 0
                            && (upTo == null || b.poolKey().compareTo(upTo) <= 0)) {
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

    /**
     * Up to {@code n} budget counters of {@code level} after pool key {@code after}, in pool-key order.
     *
     * @param configured the tenant's budgets as configured now, by pool key: an enforced counter among them shows the
     *     configured limit (its {@code limit_amount} follows only at a gateway's next grant); empty for project and
     *     key levels, whose query reads the configured limit itself
     */
    private List<BudgetStatus> counters(
            Connection c,
            Level level,
            UUID tenantId,
            Timestamp now,
            String after,
            int n,
            Map<String, BudgetStatus> configured)
            throws SQLException {
        List<BudgetStatus> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(level.sql)) {
            int i = 1;
            ps.setObject(i++, tenantId);
            ps.setString(i++, level.poolLevel);
            ps.setTimestamp(i++, now);
            if (level == Level.TENANT) {
                ps.setTimestamp(i++, now);
            }
            ps.setString(i++, after);
            ps.setInt(i, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BudgetStatus asConfigured = configured.get(rs.getString(1));
                    rows.add(row(rs, level, asConfigured == null ? null : asConfigured.limit()));
                }
            }
        }
        return rows;
    }

    /** @param configuredLimit the budget's limit as configured now, or null to read it from the row */
    private static BudgetStatus row(ResultSet rs, Level level, BigDecimal configuredLimit) throws SQLException {
        String key = rs.getString(1);
        // [shadow-]<unit>:<level>:<owner>:<model or *, may itself hold ':'>:<DAY|MONTH>
        String[] parts = key.split(":");
        String model = parts.length >= 5 ? String.join(":", Arrays.copyOfRange(parts, 3, parts.length - 1)) : "*";
        String currency = rs.getString(3);
        boolean shadow = key.startsWith("shadow-");
        BigDecimal limit = plain(configuredLimit != null ? configuredLimit : rs.getBigDecimal(6));
        BigDecimal settled = plain(rs.getBigDecimal(7));
        // A refusal (the EXHAUSTED event) shows the budget used up only while the limit is no higher than the one it
        // refused under: a budget raised since then admits again, so it is not used up by that refusal.
        Timestamp refusedAt = rs.getTimestamp(9);
        BigDecimal refusedUnder = rs.getBigDecimal(12);
        Timestamp exhaustedAt =
                refusedAt != null && (refusedUnder == null || refusedUnder.compareTo(limit) >= 0) ? refusedAt : null;
        // Used up by its settled usage even without an EXHAUSTED event (only a refusal records one): an enforced
        // budget whose settled usage reached its limit admits nothing more.
        boolean usedUp =
                !shadow && limit != null && settled != null && limit.signum() > 0 && settled.compareTo(limit) >= 0;
        return new BudgetStatus(
                key,
                level.poolLevel,
                rs.getObject(10, UUID.class),
                rs.getString(11),
                shadow,
                rs.getString(2),
                currency == null ? null : currency.trim(),
                model,
                parts.length >= 5 ? parts[parts.length - 1] : null,
                instant(rs.getTimestamp(4)),
                instant(rs.getTimestamp(5)),
                limit,
                settled,
                plain(rs.getBigDecimal(8)),
                exhaustedAt != null || usedUp,
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
