package io.ascendant.tenancy.admins;

import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.audit.AuditService;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.common.TenancyException;
import io.ascendant.tenancy.keycloak.OrganizationDirectory;
import io.ascendant.tenancy.tenant.Tenant;
import io.ascendant.tenancy.tenant.TenantService;
import io.ascendant.tenancy.tenant.TenantStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** Inviting a tenant's admins by e-mail (Keycloak user + organization membership + realm role). */
@ApplicationScoped
public class TenantAdminService {

    @Inject
    TenantAdminRepository admins;

    @Inject
    TenantService tenants;

    @Inject
    OrganizationDirectory organizations;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    AuditService audit;

    /**
     * Invites an admin (platform admin, or a tenant admin of that tenant).
     *
     * @throws TenancyException.Conflict (field {@code email}) when already invited
     * @throws TenancyException.Invalid (field {@code email}, {@code firstName} or {@code lastName} when Keycloak names
     *     it) when Keycloak refuses the new user's details (nothing is written)
     * @throws TenancyException.Unavailable when Keycloak fails (nothing is written)
     */
    @Transactional
    public TenantAdminView invite(AdminActor actor, UUID tenantId, InviteAdminRequest r) {
        policy.requireManage(actor, tenantId);
        Tenant t = tenants.require(tenantId);
        if (t.status == TenantStatus.CLOSED) {
            throw new TenancyException.Conflict("status", "tenant is closed");
        }
        String email = r.email().strip().toLowerCase(Locale.ROOT);
        String role = r.role() == null ? AdminRole.TENANT_ADMIN : r.role();
        if (admins.invited(tenantId, email)) {
            throw new TenancyException.Conflict("email", email + " is already invited to this tenant");
        }
        OrganizationDirectory.Invitation inv =
                organizations.invite(t.keycloakOrgId, email, role, r.firstName(), r.lastName());
        TenantAdmin a = new TenantAdmin();
        a.id = Ids.newId();
        a.tenantId = tenantId;
        a.email = email;
        a.role = role;
        a.keycloakUserId = inv.userId();
        a.status = "INVITED";
        a.invitedAt = Instant.now();
        a.invitedBy = actor.auditName();
        admins.persist(a);
        TenantAdminView v = TenantAdminView.of(a, inv.emailSent());
        audit.record(actor, tenantId, "tenant_admin.invite", "tenant_admin", a.id.toString(), null, v);
        return v;
    }

    /** Keyset page of the tenant's invited admins. */
    @Transactional
    public Page<TenantAdminView> list(AdminActor actor, UUID tenantId, String cursor, Integer limit) {
        policy.requireManage(actor, tenantId);
        tenants.requireExists(tenantId);
        int n = Page.limit(limit);
        var rows = admins.page(tenantId, Page.decode(cursor).orElse(null), n).stream()
                .map(a -> TenantAdminView.of(a, null))
                .toList();
        return Page.of(rows, n, TenantAdminView::id);
    }
}
