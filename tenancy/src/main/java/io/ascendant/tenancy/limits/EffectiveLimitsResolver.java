package io.ascendant.tenancy.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ascendant.tenancy.apikey.ApiKeyCaller;
import io.ascendant.tenancy.common.TenancyException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Answers "which limits and budgets apply to this request" for the quota engine: {@link #resolve}. Results are cached
 * per (tenant, project, key, model) and dropped on every replica when PostgreSQL notifies a limit change (then
 * {@link LimitsChanged} is fired); the cache entry age is bounded by 5 minutes as a safety net.
 *
 * <p>Reads with plain JDBC (no ORM session), so it can be called from any thread, including Vert.x workers and
 * virtual threads; it blocks on a cache miss. Thread-safe.
 */
@ApplicationScoped
public class EffectiveLimitsResolver {

    private record CacheKey(UUID tenantId, UUID projectId, UUID keyId, String model) {}

    private static final String LIMITS_SQL = "select l.scope, l.model, l.requests_per_minute, l.tokens_per_minute,"
            + " l.concurrent_requests, l.budget_period, l.budget_tokens, l.budget_amount from limit_set l"
            + " where l.model in ('*', ?) and ("
            + " (l.scope = 'PLAN' and l.owner_id = (select t.plan_id from tenant t where t.id = ?))"
            + " or (l.scope = 'TENANT' and l.tenant_id = ? and l.owner_id = ?)"
            + " or (l.scope = 'PROJECT' and l.tenant_id = ? and l.owner_id = ?)"
            + " or (l.scope = 'KEY' and l.tenant_id = ? and l.owner_id = ?))";
    /** The root of a key's rotation chain: {@code rotated_from} is set once, at insert, to an older key. */
    private static final String LINEAGE_SQL = "with recursive chain(id, rotated_from, depth) as ("
            + " select id, rotated_from, 0 from api_key where id = ? and tenant_id = ?"
            + " union all select k.id, k.rotated_from, c.depth + 1 from api_key k join chain c on k.id = c.rotated_from"
            + " where c.depth < 10000) select id from chain order by depth desc limit 1";

    private static final String TENANT_SQL = "select currency, time_zone from tenant where id = ?";

    @Inject
    DataSource dataSource;

    @Inject
    Event<LimitsChanged> changed;

    private final Cache<CacheKey, EffectiveLimits> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    /**
     * The effective limits of a request.
     *
     * @param tenantId tenant (required)
     * @param projectId project, or null for tenant-level only
     * @param keyId key, or null
     * @param model model id as requested (required)
     * @throws TenancyException.NotFound when the tenant does not exist
     */
    public EffectiveLimits resolve(UUID tenantId, UUID projectId, UUID keyId, String model) {
        CacheKey k = new CacheKey(tenantId, projectId, keyId, model);
        EffectiveLimits hit = cache.getIfPresent(k);
        if (hit != null) {
            return hit;
        }
        EffectiveLimits loaded = load(k);
        cache.put(k, loaded);
        return loaded;
    }

    /** The effective limits if cached (never blocks), else empty; see {@link #resolve}. */
    public Optional<EffectiveLimits> cached(UUID tenantId, UUID projectId, UUID keyId, String model) {
        return Optional.ofNullable(cache.getIfPresent(new CacheKey(tenantId, projectId, keyId, model)));
    }

    /** The effective limits for an authenticated API-key caller and a model. */
    public EffectiveLimits resolve(ApiKeyCaller caller, String model) {
        return resolve(caller.tenantId(), caller.projectId(), caller.keyId(), model);
    }

    /**
     * Reacts to a limits notification ({@code scope} = plan, tenant, project or key): drops the affected cache entries
     * and fires {@link LimitsChanged}.
     */
    public void onLimitsChanged(String scope, UUID ownerId) {
        LimitScope s = LimitScope.valueOf(scope.toUpperCase(Locale.ROOT));
        switch (s) {
            case PLAN -> cache.invalidateAll();
            case TENANT -> evictTenant(ownerId);
            case PROJECT -> cache.asMap().keySet().removeIf(k -> ownerId.equals(k.projectId()));
            case KEY -> cache.asMap().keySet().removeIf(k -> ownerId.equals(k.keyId()));
        }
        changed.fireAsync(new LimitsChanged(s, ownerId));
    }

    /** Drops a tenant's entries (its currency or time zone changed). */
    public void evictTenant(UUID tenantId) {
        cache.asMap().keySet().removeIf(k -> tenantId.equals(k.tenantId()));
    }

    /** Drops everything. */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    private EffectiveLimits load(CacheKey k) {
        LimitValues planAll = LimitValues.NONE, planModel = LimitValues.NONE;
        LimitValues tenantAll = LimitValues.NONE, tenantModel = LimitValues.NONE;
        LimitValues projectAll = LimitValues.NONE, projectModel = LimitValues.NONE;
        LimitValues keyAll = LimitValues.NONE, keyModel = LimitValues.NONE;
        String currency;
        ZoneId zone;
        UUID lineage = k.keyId();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(TENANT_SQL)) {
                ps.setObject(1, k.tenantId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new TenancyException.NotFound("tenant " + k.tenantId());
                    }
                    currency = rs.getString(1);
                    zone = ZoneId.of(rs.getString(2));
                }
            }
            if (k.keyId() != null) {
                try (PreparedStatement ps = c.prepareStatement(LINEAGE_SQL)) {
                    ps.setObject(1, k.keyId());
                    ps.setObject(2, k.tenantId());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            lineage = rs.getObject(1, UUID.class);
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(LIMITS_SQL)) {
                ps.setString(1, k.model());
                ps.setObject(2, k.tenantId());
                ps.setObject(3, k.tenantId());
                ps.setObject(4, k.tenantId());
                ps.setObject(5, k.tenantId());
                ps.setObject(6, k.projectId());
                ps.setObject(7, k.tenantId());
                ps.setObject(8, k.keyId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LimitScope scope = LimitScope.valueOf(rs.getString(1));
                        boolean all = LimitSet.ALL_MODELS.equals(rs.getString(2));
                        LimitValues v = new LimitValues(
                                (Integer) rs.getObject(3),
                                (Long) rs.getObject(4),
                                (Integer) rs.getObject(5),
                                rs.getString(6) == null ? null : BudgetPeriod.valueOf(rs.getString(6)),
                                (Long) rs.getObject(7),
                                (BigDecimal) rs.getObject(8));
                        switch (scope) {
                            case PLAN -> {
                                if (all) planAll = v;
                                else planModel = v;
                            }
                            case TENANT -> {
                                if (all) tenantAll = v;
                                else tenantModel = v;
                            }
                            case PROJECT -> {
                                if (all) projectAll = v;
                                else projectModel = v;
                            }
                            case KEY -> {
                                if (all) keyAll = v;
                                else keyModel = v;
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("limits lookup failed: " + e.getMessage(), e);
        }
        return new EffectiveLimits(
                k.tenantId(),
                k.projectId(),
                k.keyId(),
                k.model(),
                currency,
                zone,
                planAll.overlay(planModel).overlay(tenantAll).overlay(tenantModel),
                projectAll.overlay(projectModel),
                keyAll.overlay(keyModel),
                lineage);
    }
}
