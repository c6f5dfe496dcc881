package io.ascendant.tenancy.access;

import io.ascendant.tenancy.common.TenancyException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * The one place that decides which tenant an admin caller may touch. Every tenancy service calls it before reading or
 * changing a tenant's data; the admin resources only declare coarse roles.
 *
 * <p>A caller other than a platform admin is bound to the tenant of its Keycloak organization; any other tenant id is
 * refused with the same answer whether that tenant exists or not (no existence oracle).
 */
@ApplicationScoped
public class TenantAccessPolicy {

    /** Platform-wide operations (create tenants, edit plans, read the global audit log). */
    public void requirePlatformAdmin(AdminActor actor) {
        if (!actor.isPlatformAdmin()) {
            throw new TenancyException.Denied("only a platform admin may do this");
        }
    }

    /** Manage (and read) a tenant's projects, keys, limits and admins: platform admin, or tenant admin of it. */
    public void requireManage(AdminActor actor, UUID tenantId) {
        if (actor.isPlatformAdmin()) {
            return;
        }
        if (actor.hasRole(AdminRole.TENANT_ADMIN) && ownsTenant(actor, tenantId)) {
            return;
        }
        throw new TenancyException.Denied("you may not manage this tenant");
    }

    /**
     * Read a tenant's usage and invoices: platform admin, or a tenant admin or billing viewer of that tenant. For the
     * billing admin resources.
     */
    public void requireBillingRead(AdminActor actor, UUID tenantId) {
        if (actor.isPlatformAdmin()) {
            return;
        }
        if ((actor.hasRole(AdminRole.TENANT_ADMIN) || actor.hasRole(AdminRole.BILLING_VIEWER))
                && ownsTenant(actor, tenantId)) {
            return;
        }
        throw new TenancyException.Denied("you may not read this tenant's billing data");
    }

    /** Whether the actor is bound to exactly this tenant. */
    public boolean ownsTenant(AdminActor actor, UUID tenantId) {
        return tenantId != null && actor.tenantId().map(tenantId::equals).orElse(false);
    }
}
