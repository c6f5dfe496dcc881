package io.ascendant.admin.tenancy;

import io.ascendant.admin.problem.Problem;
import io.ascendant.admin.problem.ProblemException;
import io.ascendant.admin.problem.ProblemType;
import io.ascendant.billing.account.BillingAccount;
import io.ascendant.billing.account.BillingAccountChanges;
import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.billing.account.NewBillingAccount;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.common.Validation;
import io.ascendant.tenancy.tenant.CreateTenantRequest;
import io.ascendant.tenancy.tenant.TenantService;
import io.ascendant.tenancy.tenant.TenantView;
import io.ascendant.tenancy.tenant.UpdateTenantRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.ZoneId;
import java.util.SortedSet;
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

    @Inject
    PriceBookService priceBook;

    /**
     * Creates tenant, organization and billing account.
     *
     * @throws ProblemException 400 naming {@code currency} when the price book has no list prices in it (its usage
     *     would be recorded unpriced; the currency never changes and a tenant's own prices can only be added once it
     *     exists). A list price that starts later counts, so a tenant can be onboarded ahead of its currency's
     *     prices; until one is in force the gateway refuses its requests for that model (403 {@code
     *     model_not_priced}).
     */
    @Transactional
    public TenantView create(AdminActor actor, CreateTenantRequest r) {
        requireListPrices(Validation.currency("currency", r.currency()));
        TenantView t = tenants.create(actor, r);
        billingAccounts.create(
                new NewBillingAccount(t.id(), t.displayName(), t.currency(), ZoneId.of(t.timeZone()), null, null));
        return t;
    }

    private void requireListPrices(String currency) {
        SortedSet<String> priced = priceBook.current().listCurrencies();
        if (!priced.contains(currency)) {
            throw new ProblemException(Problem.ofField(
                    ProblemType.INVALID_INPUT,
                    "currency",
                    "currency " + currency + " has no prices in the price book, so usage could not be billed; the price"
                            + " book has prices in " + String.join(", ", priced)));
        }
    }

    /**
     * Updates the tenant and mirrors name and time zone into its billing account. The time zone is one for budgets,
     * usage days and invoices, so it changes only while the tenant has neither metered usage nor an invoice.
     *
     * @throws io.ascendant.billing.BillingException.Conflict (409 naming {@code timeZone}) when the zone would change
     *     after usage or invoices; nothing is written
     */
    @Transactional
    public TenantView update(AdminActor actor, UUID tenantId, UpdateTenantRequest r) {
        TenantView before = tenants.get(actor, tenantId);
        TenantView t = tenants.update(actor, tenantId, r);
        ZoneId zone = ZoneId.of(t.timeZone());
        if (!BillingAccountService.sameRules(zone, ZoneId.of(before.timeZone()))) {
            // Checked against the tenant's zone too: budgets count days of the tenant's zone, not the account's.
            billingAccounts.requireTimeZoneChangeable(tenantId, ZoneId.of(before.timeZone()), zone);
        }
        if (r.displayName() != null || r.timeZone() != null) {
            billingAccounts.update(
                    tenantId,
                    new BillingAccountChanges(
                            r.displayName() == null ? null : t.displayName(),
                            r.timeZone() == null ? null : zone,
                            null,
                            null));
        }
        return t;
    }

    /**
     * Changes the billing account's own terms (name, tax rate, discount). The time zone belongs to the tenant: a
     * {@code timeZone} equal to the tenant's is accepted (no change), any other is refused, so that budgets, usage days
     * and invoices never use different zones; {@link #update} on the tenant moves both.
     *
     * @param timeZone the requested zone as sent, or null
     * @throws ProblemException 409 naming {@code timeZone} when it differs from the tenant's
     */
    @Transactional
    public BillingAccount updateAccount(AdminActor actor, UUID tenantId, String timeZone, BillingAccountChanges terms) {
        if (timeZone != null) {
            String tenantZone = tenants.get(actor, tenantId).timeZone();
            String requested = Validation.timeZone("timeZone", timeZone);
            if (!requested.equals(tenantZone)) {
                throw new ProblemException(Problem.ofField(
                        ProblemType.CONFLICT,
                        "timeZone",
                        "timeZone " + requested + " differs from the tenant's time zone " + tenantZone + "; a tenant"
                                + " has one zone for budgets, usage days and invoices, so change it on the tenant"
                                + " (PATCH " + AdminApi.V1 + "/tenants/" + tenantId + " with {\"timeZone\": ...}),"
                                + " which moves the billing account with it"));
            }
        }
        return billingAccounts.update(tenantId, terms);
    }
}
