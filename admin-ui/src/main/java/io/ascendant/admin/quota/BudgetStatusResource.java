package io.ascendant.admin.quota;

import io.ascendant.admin.billing.BillingReadGuard;
import io.ascendant.admin.problem.ProblemException;
import io.ascendant.admin.tenancy.AdminApi;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.common.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A tenant's hard budgets this period at tenant, project or key level: limit, settled, held, thresholds and whether a
 * request was refused.
 */
@Path(AdminApi.V1 + "/tenants/{tenantId}/budgets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Quotas")
public class BudgetStatusResource {

    @Inject
    BudgetStatusQueries budgets;

    @Inject
    BillingReadGuard guard;

    /**
     * One page of the tenant's, its projects' or its keys' money and token budgets (enforced and shadow) this period.
     *
     * @param level {@code tenant} (default), {@code project} or {@code key}; anything else is a 400 naming
     *     {@code level}
     * @param cursor the previous page's {@code nextCursor}; a value no page of this level returned is a 400 naming
     *     {@code cursor}
     * @param limit page size, 1 to 500 (default 100); outside that a 400 naming {@code limit}
     */
    @GET
    @Operation(
            summary = "The money and token budgets of the current period at tenant, project or key level, as the"
                    + " gateways count them (settled, held, refused), paged by pool key")
    public BudgetReport budgets(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("level") @DefaultValue("tenant") String level,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        BudgetStatusQueries.Level l = BudgetStatusQueries.Level.parse(level)
                .orElseThrow(() -> ProblemException.invalid("level", "level must be tenant, project or key"));
        if (limit < 1 || limit > BudgetStatusQueries.MAX_PAGE) {
            throw ProblemException.invalid(
                    "limit",
                    "limit must be a whole number from 1 to " + BudgetStatusQueries.MAX_PAGE + ", got " + limit);
        }
        if (cursor != null && !l.accepts(cursor)) {
            throw ProblemException.invalid("cursor", Page.invalidCursor(cursor));
        }
        // After the parameters, as quota-events does: a malformed query is a 400 naming it before any lookup.
        guard.requireTenant(tenantId);
        return budgets.current(tenantId, l, cursor, limit);
    }
}
