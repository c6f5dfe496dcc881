package io.ascendant.gateway.quota;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ascendant.gateway.quota.budget.PeriodKind;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import io.ascendant.tenancy.limits.BudgetPeriod;
import io.ascendant.tenancy.limits.EffectiveLimits;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.ascendant.tenancy.limits.LimitValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Turns tenancy's effective limits (plus this module's shadow limits) into the {@link QuotaPolicy} of a request.
 *
 * <p>Each level (tenant, project, key) is enforced on its own counters. A value that comes from a model-specific
 * row (it differs from the level's all-model value) gets a counter of its own for that model; otherwise the counter
 * is shared by all models of the level. Key-level counters are keyed by the key's rotation lineage
 * ({@link EffectiveLimits#keyLineageId()}), so a rotated key and its successor spend one budget. Shadow limits
 * ({@code quota_shadow_limit}) count on separate counters, so a trial never disturbs what is enforced. Blocking (JDBC
 * on a cache miss): call it off the event loop.
 */
@ApplicationScoped
public class QuotaPolicies {

    private static final String SHADOW_SQL = "SELECT scope, model, requests_per_minute, tokens_per_minute,"
            + " concurrent_requests, budget_period, budget_tokens, budget_amount FROM quota_shadow_limit"
            + " WHERE tenant_id = ? AND model IN ('*', ?) AND ((scope = 'TENANT' AND owner_id = ?)"
            + " OR (scope = 'PROJECT' AND owner_id = ?) OR (scope = 'KEY' AND owner_id = ?))";

    private record Key(UUID tenantId, UUID projectId, UUID keyId, String model) {}

    @Inject
    EffectiveLimitsResolver resolver;

    @Inject
    DataSource dataSource;

    private final Cache<Key, List<Shadow>> shadows = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30))
            .build();

    /** The effective limits of a request (tenant's currency and time zone included). */
    public EffectiveLimits limits(UUID tenantId, UUID projectId, UUID keyId, String model) {
        if (NonBlockingAdmission.active()) {
            return resolver.cached(tenantId, projectId, keyId, model)
                    .orElseThrow(() -> new NonBlockingAdmission.WouldBlock("limits not cached"));
        }
        return resolver.resolve(tenantId, projectId, keyId, model);
    }

    /** Every limit that applies to a request of {@code model} under {@code limits}. */
    public QuotaPolicy policy(EffectiveLimits limits, String model) {
        EffectiveLimits all = limits(limits.tenantId(), limits.projectId(), limits.keyId(), "*");
        List<RateSpec> rates = new ArrayList<>();
        List<PoolSpec> pools = new ArrayList<>();
        add(rates, pools, "tenant", limits.tenantId(), limits.tenant(), all.tenant(), model, limits.currency(), false);
        add(
                rates,
                pools,
                "project",
                limits.projectId(),
                limits.project(),
                all.project(),
                model,
                limits.currency(),
                false);
        // Key counters belong to the key's rotation lineage: old and new key of a rotation share them.
        add(rates, pools, "key", limits.keyLineageId(), limits.key(), all.key(), model, limits.currency(), false);
        Key k = new Key(limits.tenantId(), limits.projectId(), limits.keyId(), model);
        List<Shadow> shadowLimits =
                NonBlockingAdmission.active() ? shadows.getIfPresent(k) : shadows.get(k, this::loadShadows);
        if (shadowLimits == null) {
            throw new NonBlockingAdmission.WouldBlock("shadow limits not cached");
        }
        for (Shadow s : shadowLimits) {
            UUID owner = switch (s.level()) {
                case "tenant" -> limits.tenantId();
                case "project" -> limits.projectId();
                default -> limits.keyLineageId();
            };
            add(rates, pools, s.level(), owner, s.values(), LimitValues.NONE, s.model(), limits.currency(), true);
        }
        return new QuotaPolicy(rates, pools);
    }

    private static void add(
            List<RateSpec> rates,
            List<PoolSpec> pools,
            String level,
            UUID owner,
            LimitValues v,
            LimitValues allModels,
            String model,
            String currency,
            boolean shadow) {
        if (owner == null || v == null) {
            return;
        }
        String prefix = (shadow ? "shadow-" : "") + "%s:" + level + ":" + owner + ":";
        String tag = shadow ? " (shadow)" : "";
        // The admin API refuses a rate below 1; a 0 stored before it did keeps its old meaning here (no rate limit).
        if (v.requestsPerMinute() != null && v.requestsPerMinute() > 0) {
            String scope = scope(model, v.requestsPerMinute(), allModels.requestsPerMinute());
            rates.add(new RateSpec(
                    prefix.formatted("rpm") + scope,
                    RateSpec.Kind.REQUESTS,
                    v.requestsPerMinute(),
                    shadow,
                    "requests per minute (" + level + onModel(scope) + ")" + tag));
        }
        if (v.tokensPerMinute() != null && v.tokensPerMinute() > 0) {
            String scope = scope(model, v.tokensPerMinute(), allModels.tokensPerMinute());
            rates.add(new RateSpec(
                    prefix.formatted("tpm") + scope,
                    RateSpec.Kind.TOKENS,
                    v.tokensPerMinute(),
                    shadow,
                    "tokens per minute (" + level + onModel(scope) + ")" + tag));
        }
        if (v.concurrentRequests() != null) {
            String scope = scope(model, v.concurrentRequests(), allModels.concurrentRequests());
            pools.add(new PoolSpec(
                    prefix.formatted("concurrency") + scope,
                    PoolSpec.Unit.REQUESTS,
                    null,
                    BigDecimal.valueOf(v.concurrentRequests()),
                    PeriodKind.NONE,
                    shadow,
                    "concurrent requests (" + level + onModel(scope) + ")" + tag));
        }
        if (v.budgetPeriod() == null) {
            return;
        }
        PeriodKind period = v.budgetPeriod() == BudgetPeriod.DAY ? PeriodKind.DAY : PeriodKind.MONTH;
        String every = period == PeriodKind.DAY ? "daily" : "monthly";
        if (v.budgetAmount() != null) {
            String scope = scope(model, v.budgetAmount(), allModels.budgetAmount());
            pools.add(new PoolSpec(
                    prefix.formatted("money") + scope + ":" + period,
                    PoolSpec.Unit.MONEY,
                    currency,
                    v.budgetAmount(),
                    period,
                    shadow,
                    level + " " + every + " budget" + forModel(scope) + tag));
        }
        if (v.budgetTokens() != null) {
            String scope = scope(model, v.budgetTokens(), allModels.budgetTokens());
            pools.add(new PoolSpec(
                    prefix.formatted("tokens") + scope + ":" + period,
                    PoolSpec.Unit.TOKENS,
                    null,
                    BigDecimal.valueOf(v.budgetTokens()),
                    period,
                    shadow,
                    level + " " + every + " token budget" + forModel(scope) + tag));
        }
    }

    private static String onModel(String scope) {
        return scope.equals("*") ? "" : ", model " + scope;
    }

    private static String forModel(String scope) {
        return scope.equals("*") ? "" : " for model " + scope;
    }

    /** The model the counter is for: the model when its value is model-specific, else {@code *}. */
    private static String scope(String model, Object value, Object allModelsValue) {
        boolean same = value instanceof BigDecimal b && allModelsValue instanceof BigDecimal a
                ? b.compareTo(a) == 0
                : Objects.equals(value, allModelsValue);
        return same ? "*" : model;
    }

    private record Shadow(String level, String model, LimitValues values) {}

    private List<Shadow> loadShadows(Key k) {
        List<Shadow> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SHADOW_SQL)) {
            ps.setObject(1, k.tenantId());
            ps.setString(2, k.model());
            ps.setObject(3, k.tenantId());
            ps.setObject(4, k.projectId());
            ps.setObject(5, k.keyId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String period = rs.getString(6);
                    out.add(new Shadow(
                            rs.getString(1).toLowerCase(Locale.ROOT),
                            rs.getString(2).equals("*") ? "*" : k.model(),
                            new LimitValues(
                                    (Integer) rs.getObject(3),
                                    (Long) rs.getObject(4),
                                    (Integer) rs.getObject(5),
                                    period == null ? null : BudgetPeriod.valueOf(period),
                                    (Long) rs.getObject(7),
                                    rs.getBigDecimal(8))));
                }
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("shadow limits of tenant " + k.tenantId() + ": lookup failed", e);
        }
        return out;
    }
}
