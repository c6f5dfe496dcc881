package io.ascendant.admin.tenancy;

import io.ascendant.billing.account.BillingAccountChanges;
import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.billing.account.NewBillingAccount;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.tenant.CreateTenantRequest;
import io.ascendant.tenancy.tenant.TenantService;
import io.ascendant.tenancy.tenant.TenantView;
import io.ascendant.tenancy.tenant.UpdateTenantRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.ZoneId;
import java.util.UUID;

/**
 * Tenant commands that span tenancy and billing (which may not depend on each other): creating a tenant creates its
 * Keycloak organization and its billing account in one transaction; renaming or moving its time zone updates the
 * billing account too. If anything fails, nothing is written (and the organization is deleted again).
 */
@ApplicationScoped
public class TenantOnboarding {

    @Inject
    TenantService tenants;

    @Inject
    BillingAccountService billingAccounts;

    /** Creates tenant, organization and billing account. */
    @Transactional
    public TenantView create(AdminActor actor, CreateTenantRequest r) {
        TenantView t = tenants.create(actor, r);
        billingAccounts.create(
                new NewBillingAccount(t.id(), t.displayName(), t.currency(), ZoneId.of(t.timeZone()), null, null));
        return t;
    }

    /** Updates the tenant and mirrors name and time zone into its billing account. */
    @Transactional
    public TenantView update(AdminActor actor, UUID tenantId, UpdateTenantRequest r) {
        TenantView t = tenants.update(actor, tenantId, r);
        if (r.displayName() != null || r.timeZone() != null) {
            billingAccounts.update(
                    tenantId,
                    new BillingAccountChanges(
                            r.displayName() == null ? null : t.displayName(),
                            r.timeZone() == null ? null : ZoneId.of(t.timeZone()),
                            null,
                            null));
        }
        return t;
    }
}
