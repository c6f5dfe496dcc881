package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.limits.EffectiveLimits;
import io.ascendant.tenancy.limits.LimitScope;
import io.ascendant.tenancy.limits.LimitSetView;
import io.ascendant.tenancy.limits.LimitsService;
import io.ascendant.tenancy.limits.PutLimitsRequest;
import jakarta.annotation.security.RolesAllowed;
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

/** Limits and budgets of a tenant, its projects and keys; and the effective limits of a request. */
@Path(AdminApi.V1 + "/tenants/{tenantId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "Limits and budgets")
public class LimitsResource {

    @Inject
    CurrentAdmin current;

    @Inject
    LimitsService limits;

    @GET
    @Path("limits")
    @Operation(summary = "Tenant-level limits (overrides of the plan)")
    public List<LimitSetView> tenantLimits(@PathParam("tenantId") UUID tenantId) {
        return limits.get(current.actor(), LimitScope.TENANT, tenantId, tenantId);
    }

    @PUT
    @Path("limits")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Set tenant-level limits for one model ('*' = all)")
    public LimitSetView putTenantLimits(@PathParam("tenantId") UUID tenantId, @NotNull @Valid PutLimitsRequest r) {
        return limits.put(current.actor(), LimitScope.TENANT, tenantId, tenantId, r);
    }

    @DELETE
    @Path("limits")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Remove tenant-level limits for one model (back to the plan)")
    public void deleteTenantLimits(
            @PathParam("tenantId") UUID tenantId, @QueryParam("model") @DefaultValue("*") String model) {
        limits.delete(current.actor(), LimitScope.TENANT, tenantId, tenantId, model);
    }

    @GET
    @Path("projects/{projectId}/limits")
    @Operation(summary = "Project limits")
    public List<LimitSetView> projectLimits(
            @PathParam("tenantId") UUID tenantId, @PathParam("projectId") UUID projectId) {
        return limits.get(current.actor(), LimitScope.PROJECT, tenantId, projectId);
    }

    @PUT
    @Path("projects/{projectId}/limits")
    @Operation(summary = "Set project limits for one model (tenant admins: within the tenant's limits)")
    public LimitSetView putProjectLimits(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("projectId") UUID projectId,
            @NotNull @Valid PutLimitsRequest r) {
        return limits.put(current.actor(), LimitScope.PROJECT, tenantId, projectId, r);
    }

    @DELETE
    @Path("projects/{projectId}/limits")
    @Operation(summary = "Remove project limits for one model")
    public void deleteProjectLimits(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("projectId") UUID projectId,
            @QueryParam("model") @DefaultValue("*") String model) {
        limits.delete(current.actor(), LimitScope.PROJECT, tenantId, projectId, model);
    }

    @GET
    @Path("keys/{keyId}/limits")
    @Operation(summary = "Key limits")
    public List<LimitSetView> keyLimits(@PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId) {
        return limits.get(current.actor(), LimitScope.KEY, tenantId, keyId);
    }

    @PUT
    @Path("keys/{keyId}/limits")
    @Operation(summary = "Set key limits for one model (tenant admins: within the tenant's limits)")
    public LimitSetView putKeyLimits(
            @PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId, @NotNull @Valid PutLimitsRequest r) {
        return limits.put(current.actor(), LimitScope.KEY, tenantId, keyId, r);
    }

    @DELETE
    @Path("keys/{keyId}/limits")
    @Operation(summary = "Remove key limits for one model")
    public void deleteKeyLimits(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("keyId") UUID keyId,
            @QueryParam("model") @DefaultValue("*") String model) {
        limits.delete(current.actor(), LimitScope.KEY, tenantId, keyId, model);
    }

    @GET
    @Path("effective-limits")
    @Operation(summary = "The limits that apply to a request of (project, key, model)")
    public EffectiveLimits effective(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("projectId") UUID projectId,
            @QueryParam("keyId") UUID keyId,
            @QueryParam("model") @DefaultValue("*") String model) {
        return limits.effective(current.actor(), tenantId, projectId, keyId, model);
    }
}
