package io.ascendant.gateway.quota.admin;

import io.ascendant.gateway.quota.admin.QuotaAdminViews.QuotaEventView;
import io.ascendant.gateway.quota.admin.QuotaAdminViews.ShadowLimitBody;
import io.ascendant.gateway.quota.admin.QuotaAdminViews.ShadowLimitView;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.limits.LimitValues;
import io.ascendant.tenancy.tenant.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads quota events and manages shadow limits of a tenant. Authorisation through tenancy's
 * {@link TenantAccessPolicy}: events are billing data (platform admin, or tenant admin / billing viewer of the
 * tenant); shadow limits are limits (platform admin or tenant admin).
 */
@ApplicationScoped
public class QuotaAdminService {

    private static final String EVENTS = "SELECT id, kind, pool_key, threshold_pct, limit_amount, used_amount, detail,"
            + " occurred_at FROM quota_event WHERE tenant_id = ? AND id > ? AND (? IS NULL OR kind = ?)"
            + " ORDER BY id LIMIT ?";
    /** The columns of a shadow limit as {@link #shadowLimit(ResultSet)} reads them. */
    private static final String SHADOW_COLUMNS = "id, scope, owner_id, model, requests_per_minute, tokens_per_minute,"
            + " concurrent_requests, budget_period, budget_tokens, budget_amount, created_at";

    private static final String SHADOWS =
            "SELECT " + SHADOW_COLUMNS + " FROM quota_shadow_limit WHERE tenant_id = ? ORDER BY created_at, id";
    private static final String UPSERT = "INSERT INTO quota_shadow_limit (id, scope, owner_id, tenant_id, model,"
            + " requests_per_minute, tokens_per_minute, concurrent_requests, budget_period, budget_tokens,"
            + " budget_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, owner_id, model) DO UPDATE"
            + " SET requests_per_minute = EXCLUDED.requests_per_minute, tokens_per_minute = EXCLUDED.tokens_per_minute,"
            + " concurrent_requests = EXCLUDED.concurrent_requests, budget_period = EXCLUDED.budget_period,"
            + " budget_tokens = EXCLUDED.budget_tokens, budget_amount = EXCLUDED.budget_amount"
            + " WHERE quota_shadow_limit.tenant_id = EXCLUDED.tenant_id RETURNING " + SHADOW_COLUMNS;
    private static final String DELETE = "DELETE FROM quota_shadow_limit WHERE id = ? AND tenant_id = ?";

    @Inject
    DataSource dataSource;

    @Inject
    TenantAccessPolicy access;

    @Inject
    TenantService tenants;

    /**
     * Events of a tenant after {@code afterId}, oldest first; a tenant that does not exist is a 404.
     *
     * @param kind null for all kinds
     * @param limit 1..500
     */
    public List<QuotaEventView> events(AdminActor actor, UUID tenantId, String kind, long afterId, int limit)
            throws SQLException {
        access.requireBillingRead(actor, tenantId);
        tenants.requireExists(tenantId);
        List<QuotaEventView> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(EVENTS)) {
            ps.setObject(1, tenantId);
            ps.setLong(2, afterId);
            ps.setString(3, kind);
            ps.setString(4, kind);
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new QuotaEventView(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            (Integer) rs.getObject(4),
                            LimitValues.plain(rs.getBigDecimal(5)),
                            LimitValues.plain(rs.getBigDecimal(6)),
                            rs.getString(7),
                            rs.getTimestamp(8).toInstant()));
                }
            }
        }
        return out;
    }

    /** The tenant's shadow limits. */
    public List<ShadowLimitView> shadowLimits(AdminActor actor, UUID tenantId) throws SQLException {
        access.requireManage(actor, tenantId);
        tenants.requireExists(tenantId);
        List<ShadowLimitView> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SHADOWS)) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(shadowLimit(rs));
                }
            }
        }
        return out;
    }

    /** The shadow limit at {@code rs}'s row ({@link #SHADOW_COLUMNS}), as stored. */
    private static ShadowLimitView shadowLimit(ResultSet rs) throws SQLException {
        return new ShadowLimitView(
                rs.getObject(1, UUID.class),
                new ShadowLimitBody(
                        rs.getString(2),
                        rs.getObject(3, UUID.class),
                        rs.getString(4),
                        (Integer) rs.getObject(5),
                        (Long) rs.getObject(6),
                        (Integer) rs.getObject(7),
                        rs.getString(8),
                        (Long) rs.getObject(9),
                        LimitValues.plain(rs.getBigDecimal(10)),
                        null),
                rs.getTimestamp(11).toInstant());
    }

    /**
     * Creates or replaces the shadow limit of (scope, owner, model). The owner must belong to the tenant; that is
     * the caller's responsibility to state and is checked against tenancy's tables.
     *
     * @return the limit as stored (a replaced limit keeps its id and {@code createdAt}; times as PostgreSQL keeps
     *     them, to the microsecond, so the answer equals what a later read lists), or null when the owner is not the
     *     tenant's or (scope, owner, model) belongs to another tenant
     */
    public ShadowLimitView putShadowLimit(AdminActor actor, UUID tenantId, ShadowLimitBody b) throws SQLException {
        access.requireManage(actor, tenantId);
        try (Connection c = dataSource.getConnection()) {
            if (!ownerBelongs(c, tenantId, b.scope(), b.ownerId())) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, b.scope());
                ps.setObject(3, b.ownerId());
                ps.setObject(4, tenantId);
                ps.setString(5, b.model() == null ? "*" : b.model());
                ps.setObject(6, b.requestsPerMinute());
                ps.setObject(7, b.tokensPerMinute());
                ps.setObject(8, b.concurrentRequests());
                ps.setString(9, b.budgetPeriod());
                ps.setObject(10, b.budgetTokens());
                ps.setBigDecimal(11, b.budgetAmount());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? shadowLimit(rs) : null;
                }
            }
        }
    }

    /** Deletes a shadow limit; false when the tenant has none with that id. */
    public boolean deleteShadowLimit(AdminActor actor, UUID tenantId, UUID id) throws SQLException {
        access.requireManage(actor, tenantId);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            ps.setObject(2, tenantId);
            return ps.executeUpdate() == 1;
        }
    }

    private static boolean ownerBelongs(Connection c, UUID tenantId, String scope, UUID owner) throws SQLException {
        String sql = switch (scope) {
            case "TENANT" -> "SELECT 1 FROM tenant WHERE id = ? AND id = ?";
            case "PROJECT" -> "SELECT 1 FROM project WHERE id = ? AND tenant_id = ?";
            default -> "SELECT 1 FROM api_key WHERE id = ? AND tenant_id = ?";
        };
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, owner);
            ps.setObject(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
