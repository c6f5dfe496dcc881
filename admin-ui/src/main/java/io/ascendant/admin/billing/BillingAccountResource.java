package io.ascendant.admin.billing;

import io.ascendant.admin.problem.AdminInstants;
import io.ascendant.admin.tenancy.AdminApi;
import io.ascendant.admin.tenancy.CurrentAdmin;
import io.ascendant.admin.tenancy.TenantOnboarding;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.account.BillingAccount;
import io.ascendant.billing.account.BillingAccountChanges;
import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.billing.rollup.UsageBucket;
import io.ascendant.billing.rollup.UsageQueries;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A tenant's billing account and usage, for admins (billing viewers see only their own tenant). */
@Path(AdminApi.V1 + "/billing")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Billing")
public class BillingAccountResource {

    @Inject
    BillingAccountService accounts;

    @Inject
    UsageQueries usage;

    @Inject
    BillingReadGuard guard;

    @Inject
    TenantOnboarding onboarding;

    @Inject
    CurrentAdmin current;

    @GET
    @Path("tenants/{tenantId}/account")
    @Operation(summary = "The tenant's billing account (currency, time zone, tax rate, discount)")
    public BillingAccount account(@PathParam("tenantId") UUID tenantId) {
        guard.requireTenant(tenantId);
        return accounts.find(tenantId)
                .orElseThrow(() -> new BillingException.NotFound("tenant " + tenantId + " has no billing account"));
    }

    @PATCH
    @Path("tenants/{tenantId}/account")
    // On the method, not the class: this class shares its root path with InvoiceAdminResource, and a class-level
    // @Consumes there made body-less POSTs of the invoice resource answer 415.
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(
            summary = "Change tax rate, discount or name of the billing account; a timeZone other than the tenant's is"
                    + " refused (409): the zone is changed on the tenant")
    public BillingAccount update(@PathParam("tenantId") UUID tenantId, @NotNull @Valid AccountChangesBody body) {
        return onboarding.updateAccount(
                current.actor(),
                tenantId,
                body.timeZone(),
                new BillingAccountChanges(body.displayName(), null, body.taxRatePercent(), body.discountPercent()));
    }

    @GET
    @Path("tenants/{tenantId}/usage")
    @Operation(summary = "Usage per local day, model and key in [from, to] (ISO dates, inclusive)")
    public List<UsageBucket> usage(
            @PathParam("tenantId") UUID tenantId, @QueryParam("from") String from, @QueryParam("to") String to) {
        guard.requireTenant(tenantId);
        return usage.daily(tenantId, date("from", from), date("to", to));
    }

    static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BillingException.Invalid(field, field + " is required (ISO date such as 2026-08-01)");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new BillingException.Invalid(field, field + " must be an ISO date such as 2026-08-01");
        }
        if (!AdminInstants.accepts(date)) {
            throw new BillingException.Invalid(
                    field,
                    field + " must be an ISO date " + AdminInstants.DATE_RANGE + ", got one in the year "
                            + date.getYear());
        }
        return date;
    }
}
