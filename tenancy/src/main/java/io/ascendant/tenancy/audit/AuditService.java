package io.ascendant.tenancy.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.Page;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The audit log of admin changes. {@link #record} joins the caller's transaction, so the audit row commits or rolls
 * back with the change it describes. Usable by other modules' admin commands (billing) through admin-ui.
 */
@ApplicationScoped
public class AuditService implements PanacheRepositoryBase<AuditEntry, UUID> {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    @Inject
    ObjectMapper mapper;

    @Inject
    TenantAccessPolicy policy;

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
        AuditEntry e = new AuditEntry();
        e.id = Ids.newId();
        e.occurredAt = Instant.now();
        e.tenantId = tenantId;
        e.actor = truncate(actor.auditName(), 200);
        e.actorRoles = truncate(String.join(",", new TreeSet<>(actor.roles())), 200);
        e.action = action;
        e.targetType = targetType;
        e.targetId = targetId;
        e.before = AuditRedactor.redact(toMap(before));
        e.after = AuditRedactor.redact(toMap(after));
        persist(e);
    }

    /**
     * A keyset page of the audit log, oldest first. Platform admins see everything (optionally one tenant); tenant
     * admins only their tenant's rows.
     */
    @Transactional
    public Page<AuditEntryView> list(AdminActor actor, AuditQuery q, String cursor, Integer limit) {
        int n = Page.limit(limit);
        UUID tenant = q.tenantId();
        if (!actor.isPlatformAdmin()) {
            if (!actor.hasRole(AdminRole.TENANT_ADMIN) || actor.tenantId().isEmpty()) {
                throw new io.ascendant.tenancy.common.TenancyException.Denied("you may not read the audit log");
            }
            if (tenant != null) {
                policy.requireManage(actor, tenant);
            }
            tenant = actor.tenantId().get();
        }
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters p = new Parameters();
        if (tenant != null) {
            where.append(" and tenantId = :tenant");
            p.and("tenant", tenant);
        }
        if (q.action() != null) {
            where.append(" and action = :action");
            p.and("action", q.action());
        }
        if (q.targetType() != null) {
            where.append(" and targetType = :targetType");
            p.and("targetType", q.targetType());
        }
        if (q.targetId() != null) {
            where.append(" and targetId = :targetId");
            p.and("targetId", q.targetId());
        }
        if (q.actor() != null) {
            where.append(" and actor like :actor");
            p.and("actor", q.actor().replace("%", "") + "%");
        }
        if (q.since() != null) {
            where.append(" and occurredAt >= :since");
            p.and("since", q.since());
        }
        if (q.until() != null) {
            where.append(" and occurredAt < :until");
            p.and("until", q.until());
        }
        Page.decode(cursor).ifPresent(after -> {
            where.append(" and id > :after");
            p.and("after", after);
        });
        List<AuditEntryView> rows = find(where.toString(), Sort.by("id"), p).range(0, n).list().stream()
                .map(AuditEntryView::of)
                .toList();
        return Page.of(rows, n, AuditEntryView::id);
    }

    private Map<String, Object> toMap(Object state) {
        if (state == null) {
            return null;
        }
        return mapper.convertValue(state, MAP);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
