package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.limits.EffectiveLimits;
import io.ascendant.tenancy.limits.LimitScope;
import io.ascendant.tenancy.limits.LimitSetView;
import io.ascendant.tenancy.limits.LimitsService;
import io.ascendant.tenancy.limits.PutLimitsRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Tenant-level limits (overrides of the plan) and the effective limits of a request (sub-resource of
 * {@link TenantResource}: {@code /tenants/{tenantId}/limits}).
 */
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "Limits and budgets")
public class TenantLimitsResource {

    @Inject
    CurrentAdmin current;

    @Inject
    LimitsService limits;

    @GET
    @Operation(summary = "Tenant-level limits (overrides of the plan)")
    public List<LimitSetView> get(@PathParam("tenantId") UUID tenantId) {
        return limits.get(current.actor(), LimitScope.TENANT, tenantId, tenantId);
    }

    @PUT
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Set tenant-level limits for one model ('*' = all)")
    public LimitSetView put(@PathParam("tenantId") UUID tenantId, @NotNull @Valid PutLimitsRequest r) {
        return limits.put(current.actor(), LimitScope.TENANT, tenantId, tenantId, r);
    }

    @DELETE
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Remove tenant-level limits for one model (back to the plan)")
    public void delete(@PathParam("tenantId") UUID tenantId, @QueryParam("model") @DefaultValue("*") String model) {
        limits.delete(current.actor(), LimitScope.TENANT, tenantId, tenantId, model);
    }

    @GET
    @Path("effective")
    @Operation(summary = "The limits that apply to a request of (project, key, model), as the quota engine sees them")
    public EffectiveLimits effective(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("projectId") UUID projectId,
            @QueryParam("keyId") UUID keyId,
            @QueryParam("model") @DefaultValue("*") String model) {
        return limits.effective(current.actor(), tenantId, projectId, keyId, model);
    }
}
