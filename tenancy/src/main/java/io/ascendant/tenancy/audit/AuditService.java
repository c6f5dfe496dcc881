package io.ascendant.tenancy.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.common.TenancyException;
import io.ascendant.tenancy.tenant.TenantRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The audit log of admin changes ({@code audit_log}). {@link #record} joins the caller's JTA transaction (the pooled
 * connection is enlisted), so the audit row commits or rolls back with the change it describes. Plain JDBC with
 * {@code jsonb} parameters: the states are redacted JSON documents, not entities. Usable by other modules' admin
 * commands (billing) through admin-ui.
 */
@ApplicationScoped
public class AuditService {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final String INSERT =
            "insert into audit_log (id, occurred_at, tenant_id, actor, actor_roles, action,"
                    + " target_type, target_id, before_state, after_state) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)";

    @Inject
    ObjectMapper mapper;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    DataSource dataSource;

    /** The repository, not TenantService: that service records its commands here. */
    @Inject
    TenantRepository tenants;

    /**
     * Writes one audit row in the current transaction (required).
     *
     * @param actor who
     * @param tenantId tenant concerned, or null for platform-level changes
     * @param action what, {@code <target>.<verb>}, e.g. {@code api_key.revoke}
     * @param targetType kind of object, e.g. {@code api_key}
     * @param targetId id of the object
     * @param before state before (any JSON-serialisable value, typically the API view), null on create
     * @param after state after, null on delete; both are redacted before writing
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(
            AdminActor actor,
            UUID tenantId,
            String action,
            String targetType,
            String targetId,
            Object before,
            Object after) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, Ids.newId());
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setObject(3, tenantId);
            ps.setString(4, truncate(actor.auditName(), 200));
            ps.setString(5, truncate(String.join(",", new TreeSet<>(actor.roles())), 200));
            ps.setString(6, action);
            ps.setString(7, targetType);
            ps.setString(8, targetId);
            ps.setString(9, json(before));
            ps.setString(10, json(after));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("audit row could not be written: " + e.getMessage(), e);
        }
    }

    /**
     * A keyset page of the audit log, oldest first. Platform admins see everything (optionally one tenant); tenant
     * admins only their tenant's rows. A tenant id no tenant has is a 404 ("tenant <id> does not exist"), not an
     * empty page.
     */
    @Transactional
    public Page<AuditEntryView> list(AdminActor actor, AuditQuery q, String cursor, Integer limit) {
        int n = Page.limit(limit);
        UUID tenant = q.tenantId();
        if (!actor.isPlatformAdmin()) {
            if (!actor.hasRole(AdminRole.TENANT_ADMIN) || actor.tenantId().isEmpty()) {
                throw new TenancyException.Denied("you may not read the audit log");
            }
            if (tenant != null) {
                policy.requireManage(actor, tenant);
            }
            tenant = actor.tenantId().get();
        }
        if (tenant != null && !tenants.exists(tenant)) {
            throw new TenancyException.NotFound("tenant " + tenant);
        }
        StringBuilder sql = new StringBuilder("select id, occurred_at, tenant_id, actor, actor_roles, action,"
                + " target_type, target_id, before_state::text, after_state::text from audit_log where true");
        List<Object> args = new ArrayList<>();
        if (tenant != null) {
            sql.append(" and tenant_id = ?");
            args.add(tenant);
        }
        if (q.action() != null) {
            sql.append(" and action = ?");
            args.add(q.action());
        }
        if (q.targetType() != null) {
            sql.append(" and target_type = ?");
            args.add(q.targetType());
        }
        if (q.targetId() != null) {
            sql.append(" and target_id = ?");
            args.add(q.targetId());
        }
        if (q.actor() != null) {
            sql.append(" and actor like ? escape '\\'");
            args.add(q.actor().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (q.since() != null) {
            sql.append(" and occurred_at >= ?");
            args.add(Timestamp.from(q.since()));
        }
        if (q.until() != null) {
            sql.append(" and occurred_at < ?");
            args.add(Timestamp.from(q.until()));
        }
        Page.decode(cursor).ifPresent(after -> {
            sql.append(" and id > ?");
            args.add(after);
        });
        sql.append(" order by id limit ").append(n + 1);
        List<AuditEntryView> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AuditEntryView(
                            rs.getObject(1, UUID.class),
                            rs.getTimestamp(2).toInstant(),
                            rs.getObject(3, UUID.class),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            parse(rs.getString(9)),
                            parse(rs.getString(10))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit log could not be read: " + e.getMessage(), e);
        }
        return Page.of(rows, n, AuditEntryView::id);
    }

    private String json(Object state) {
        if (state == null) {
            return null;
        }
        Map<String, Object> redacted = AuditRedactor.redact(mapper.convertValue(state, MAP));
        try {
            return mapper.writeValueAsString(redacted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit state is not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    private Map<String, Object> parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit state is not valid JSON", e);
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
