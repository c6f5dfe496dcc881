package io.ascendant.admin.billing;

import io.ascendant.admin.tenancy.CurrentAdmin;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.billing.invoice.Invoice;
import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.tenant.TenantService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * Who may read which tenant's billing data, for the admin billing resources: platform admins everything; tenant
 * admins and billing viewers only the tenant of their Keycloak organization (via the tenancy module's
 * {@link TenantAccessPolicy}). Another tenant's invoice answers 404, as if it did not exist.
 */
@RequestScoped
public class BillingReadGuard {

    @Inject
    CurrentAdmin current;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    InvoiceService invoices;

    @Inject
    TenantService tenants;

    @Inject
    BillingAccountService accounts;

    /**
     * Refuses (403) reading {@code tenantId}'s billing data unless allowed, then (404, "tenant <id> does not exist") a
     * tenant that does not exist, so its usage and budgets are not an empty list. A billing account counts as the
     * tenant existing: its ledger and rollups stay readable (billing keeps them, by id, for as long as the account).
     */
    public void requireTenant(UUID tenantId) {
        policy.requireBillingRead(current.actor(), tenantId);
        if (accounts.find(tenantId).isEmpty()) {
            tenants.requireExists(tenantId);
        }
    }

    /**
     * The tenant whose invoices a listing shows: the requested one (checked), or for a caller bound to a tenant its
     * own, or null (all tenants) for a platform admin who asked for none.
     */
    public UUID listingTenant(UUID requested) {
        AdminActor a = current.actor();
        if (requested != null) {
            policy.requireBillingRead(a, requested);
            return requested;
        }
        if (a.isPlatformAdmin()) {
            return null;
        }
        UUID own =
                a.tenantId().orElseThrow(() -> new BillingException.NotFound("your account is not bound to a tenant"));
        policy.requireBillingRead(a, own);
        return own;
    }

    /** The invoice if the caller may read it, else 404. */
    public Invoice visibleInvoice(UUID id) {
        Invoice i =
                invoices.find(id).orElseThrow(() -> new BillingException.NotFound("invoice " + id + " does not exist"));
        AdminActor a = current.actor();
        if (!a.isPlatformAdmin() && !policy.ownsTenant(a, i.tenantId())) {
            throw new BillingException.NotFound("invoice " + id + " does not exist");
        }
        return i;
    }
}
