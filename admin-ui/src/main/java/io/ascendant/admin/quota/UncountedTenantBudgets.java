package io.ascendant.admin.quota;

import io.ascendant.tenancy.limits.BudgetPeriod;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.ascendant.tenancy.limits.LimitValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A tenant's enforced budgets that have no counter ({@code quota_account}) in their current period yet, so that the
 * budgets API lists every configured tenant budget before its first request, not only those the gateways have
 * counted. Read-only, on the caller's connection.
 */
@ApplicationScoped
class UncountedTenantBudgets {

    private static final String TENANT_SQL = "SELECT display_name, currency, time_zone FROM tenant WHERE id = ?";
    /** Models with tenant-level limit rows: the tenant's own and its plan's. */
    private static final String TENANT_MODELS_SQL = "SELECT DISTINCT l.model FROM limit_set l WHERE"
            + " (l.scope = 'TENANT' AND l.owner_id = ?)"
            + " OR (l.scope = 'PLAN' AND l.owner_id = (SELECT t.plan_id FROM tenant t WHERE t.id = ?))"
            + " ORDER BY l.model";

    private static final String COUNTED_KEYS_SQL =
            "SELECT pool_key FROM quota_account WHERE pool_key = ANY (?) AND period_start <= ? AND period_end > ?";

    @Inject
    EffectiveLimitsResolver limits;

    /**
     * The tenant's enforced money and token budgets (its plan's defaults overlaid by its own limits, all models and
     * each model with a row) that have no counter in their current period yet: nothing held, and settled = the usage
     * ledger's sum the gateways' account will open with (0 before any usage; a budget set mid-period counts what was
     * spent in the period already). Pool keys, periods and sums mirror the gateway's {@code QuotaPolicies} and
     * {@code AccountStore}, which admin-ui cannot call.
     */
    List<BudgetStatus> list(Connection c, UUID tenantId, Instant now) throws SQLException {
        Map<String, BudgetStatus> budgets = configured(c, tenantId, now);
        if (budgets.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(COUNTED_KEYS_SQL)) {
            ps.setArray(1, c.createArrayOf("varchar", budgets.keySet().toArray()));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    budgets.remove(rs.getString(1));
                }
            }
        }
        List<BudgetStatus> out = new ArrayList<>();
        for (BudgetStatus b : budgets.values()) {
            out.add(withSettled(c, tenantId, b));
        }
        return out;
    }

    /**
     * The tenant's enforced money and token budgets as configured now (plan overlaid by the tenant's own limits), by
     * pool key, with nothing settled or held. A counter ({@code quota_account}) whose pool key is not among them
     * belongs to a budget that was removed or changed: the gateways no longer enforce it.
     */
    Map<String, BudgetStatus> configured(Connection c, UUID tenantId, Instant now) throws SQLException {
        String name;
        String currency;
        ZoneId zone;
        List<String> models = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TENANT_SQL)) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new LinkedHashMap<>();
                }
                name = rs.getString(1);
                currency = rs.getString(2).trim();
                zone = ZoneId.of(rs.getString(3));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(TENANT_MODELS_SQL)) {
            ps.setObject(1, tenantId);
            ps.setObject(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    models.add(rs.getString(1));
                }
            }
        }
        LimitValues all = limits.resolve(tenantId, null, null, "*").tenant();
        Map<String, BudgetStatus> budgets = new LinkedHashMap<>();
        for (String model : models) {
            LimitValues v = model.equals("*")
                    ? all
                    : limits.resolve(tenantId, null, null, model).tenant();
            if (v.budgetPeriod() == null) {
                continue;
            }
            String period = v.budgetPeriod().name();
            LocalDate day = now.atZone(zone).toLocalDate();
            LocalDate first = v.budgetPeriod() == BudgetPeriod.DAY ? day : day.withDayOfMonth(1);
            LocalDate next = v.budgetPeriod() == BudgetPeriod.DAY ? first.plusDays(1) : first.plusMonths(1);
            Instant start = first.atStartOfDay(zone).toInstant();
            Instant end = next.atStartOfDay(zone).toInstant();
            if (v.budgetAmount() != null) {
                String scope = sameValue(v.budgetAmount(), all.budgetAmount()) ? "*" : model;
                String key = "money:tenant:" + tenantId + ":" + scope + ":" + period;
                budgets.putIfAbsent(
                        key,
                        unused(key, tenantId, name, "MONEY", currency, scope, period, start, end, v.budgetAmount()));
            }
            if (v.budgetTokens() != null) {
                String scope = sameValue(v.budgetTokens(), all.budgetTokens()) ? "*" : model;
                String key = "tokens:tenant:" + tenantId + ":" + scope + ":" + period;
                budgets.putIfAbsent(
                        key,
                        unused(
                                key,
                                tenantId,
                                name,
                                "TOKENS",
                                null,
                                scope,
                                period,
                                start,
                                end,
                                BigDecimal.valueOf(v.budgetTokens())));
            }
        }
        return budgets;
    }

    private static BudgetStatus unused(
            String key,
            UUID tenantId,
            String name,
            String unit,
            String currency,
            String model,
            String period,
            Instant start,
            Instant end,
            BigDecimal limit) {
        return new BudgetStatus(
                key,
                "tenant",
                tenantId,
                name,
                false,
                unit,
                currency,
                model,
                period,
                start,
                end,
                BudgetStatusQueries.plain(limit),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                false,
                null);
    }

    /** The ledger's usage of the budget's owner, model and currency in its period (as the account would open). */
    private static BudgetStatus withSettled(Connection c, UUID tenantId, BudgetStatus b) throws SQLException {
        String what =
                b.unit().equals("MONEY") ? "u.amount" : "u.cache_hit_tokens + u.cache_miss_tokens + u.output_tokens";
        String sql = "SELECT coalesce(sum(" + what + "), 0) FROM usage_ledger u WHERE u.tenant_id = ?"
                + " AND u.billing_day >= ? AND u.started_at >= ? AND u.started_at < ?"
                + (b.model().equals("*") ? "" : " AND u.model = ?")
                + (b.unit().equals("MONEY") ? " AND u.currency = ?" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, tenantId);
            ps.setObject(
                    i++, LocalDate.ofInstant(b.periodStart(), ZoneOffset.UTC).minusDays(1));
            ps.setTimestamp(i++, Timestamp.from(b.periodStart()));
            ps.setTimestamp(i++, Timestamp.from(b.periodEnd()));
            if (!b.model().equals("*")) {
                ps.setString(i++, b.model());
            }
            if (b.unit().equals("MONEY")) {
                ps.setString(i, b.currency());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new BudgetStatus(
                        b.poolKey(),
                        b.level(),
                        b.ownerId(),
                        b.ownerName(),
                        b.shadow(),
                        b.unit(),
                        b.currency(),
                        b.model(),
                        b.period(),
                        b.periodStart(),
                        b.periodEnd(),
                        b.limit(),
                        BudgetStatusQueries.plain(rs.getBigDecimal(1)),
                        b.held(),
                        false,
                        null);
            }
        }
    }

    /** Whether a model's value is the all-models value (then the gateways count it on the {@code *} pool). */
    private static boolean sameValue(Object value, Object allModelsValue) {
        return value instanceof BigDecimal b && allModelsValue instanceof BigDecimal a
                ? b.compareTo(a) == 0
                : Objects.equals(value, allModelsValue);
    }
}
