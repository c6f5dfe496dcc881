package io.ascendant.admin.billing;

import io.ascendant.admin.tenancy.AdminApi;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.account.BillingAccount;
import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Hourly usage, grouped usage with exact totals and CSV downloads of a tenant's usage (billing viewers see only their own tenant). */
@Path(AdminApi.V1 + "/billing")
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Billing")
public class UsageReportResource {

    @Inject
    UsageReports reports;

    @Inject
    UsageSummaries summaries;

    @Inject
    BillingAccountService accounts;

    @Inject
    BillingReadGuard guard;

    @GET
    @Path("tenants/{tenantId}/usage/hourly")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Usage per clock hour, model and key between the local midnights around [from, to] (ISO dates"
                    + " in the tenant's time zone, inclusive, at most 31 days)")
    public List<HourlyUsage> hourly(
            @PathParam("tenantId") UUID tenantId, @QueryParam("from") String from, @QueryParam("to") String to) {
        BillingAccount account = account(tenantId);
        return reports.hourly(
                tenantId,
                account.timeZone(),
                BillingAccountResource.date("from", from),
                BillingAccountResource.date("to", to));
    }

    /**
     * The usage of [from, to] grouped by {@code by}, every figure and the total summed on the server (money exact).
     *
     * @param by {@code day} (default), {@code hour} (at most 31 days), {@code model}, {@code projectId} or
     *     {@code keyId}; anything else is a 400 naming {@code by}
     */
    @GET
    @Path("tenants/{tenantId}/usage/summary")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Usage between [from, to] (ISO dates in the tenant's time zone, inclusive) grouped by day, hour,"
                    + " model, project or key, with exact decimal totals")
    public UsageSummary summary(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("by") @DefaultValue("day") String by) {
        BillingAccount account = account(tenantId);
        return summaries.summary(
                tenantId,
                account.currency(),
                account.timeZone(),
                BillingAccountResource.date("from", from),
                BillingAccountResource.date("to", to),
                by);
    }

    @GET
    @Path("tenants/{tenantId}/usage.csv")
    @Produces("text/csv")
    @Operation(summary = "The daily (granularity=day) or hourly (granularity=hour) usage report as CSV")
    public Response csv(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("granularity") @DefaultValue("day") String granularity) {
        BillingAccount account = account(tenantId);
        LocalDate f = BillingAccountResource.date("from", from);
        LocalDate t = BillingAccountResource.date("to", to);
        String body = switch (granularity) {
            case "day" -> reports.dailyCsv(tenantId, f, t);
            case "hour" -> reports.hourlyCsv(tenantId, account.timeZone(), f, t);
            default -> throw new BillingException.Invalid("granularity", "granularity must be day or hour");
        };
        return Response.ok(body, "text/csv; charset=utf-8")
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"usage-" + granularity + "-" + f + "-" + t + ".csv\"")
                .build();
    }

    private BillingAccount account(UUID tenantId) {
        guard.requireTenant(tenantId);
        return accounts.find(tenantId)
                .orElseThrow(() -> new BillingException.NotFound("tenant " + tenantId + " has no billing account"));
    }
}
