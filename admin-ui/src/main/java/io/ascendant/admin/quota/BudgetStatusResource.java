package io.ascendant.admin.quota;

import io.ascendant.admin.billing.BillingReadGuard;
import io.ascendant.admin.tenancy.AdminApi;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A tenant's hard budgets this period: limit, settled, held, thresholds and whether a request was refused. */
@Path(AdminApi.V1 + "/tenants/{tenantId}/budgets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Quotas")
public class BudgetStatusResource {

    @Inject
    BudgetStatusQueries budgets;

    @Inject
    BillingReadGuard guard;

    @GET
    @Operation(summary = "The tenant-level money and token budgets of the current period, as the gateways count them")
    public BudgetReport budgets(@PathParam("tenantId") UUID tenantId) {
        guard.requireTenant(tenantId);
        return budgets.current(tenantId);
    }
}
