package io.ascendant.admin.tenancy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.tenant.CreateTenantRequest;
import io.ascendant.tenancy.tenant.TenantService;
import io.ascendant.tenancy.tenant.TenantStatus;
import io.ascendant.tenancy.tenant.TenantView;
import io.ascendant.tenancy.tenant.UpdateTenantRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tenants: platform admins manage all; tenant admins read their own. */
@Path(AdminApi.V1 + "/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "Tenants")
public class TenantResource {

    @Inject
    CurrentAdmin current;

    @Inject
    TenantService tenants;

    @Inject
    TenantOnboarding onboarding;

    @Inject
    ProjectResource projects;

    @Inject
    ApiKeyResource keys;

    @Inject
    TenantLimitsResource limits;

    @Inject
    TenantAdminResource admins;

    @Inject
    TenantAuditResource audit;

    @Inject
    ObjectMapper json;

    // Sub-resources: one root class per path prefix, so JAX-RS never picks a class that cannot serve the path.

    /** Projects of the tenant (and their keys and limits). */
    @Path("{tenantId}/projects")
    public ProjectResource projects() {
        return projects;
    }

    /** API keys of the tenant. */
    @Path("{tenantId}/keys")
    public ApiKeyResource keys() {
        return keys;
    }

    /** Tenant-level limits and effective limits. */
    @Path("{tenantId}/limits")
    public TenantLimitsResource limits() {
        return limits;
    }

    /** Invited tenant admins. */
    @Path("{tenantId}/admins")
    public TenantAdminResource admins() {
        return admins;
    }

    /** The tenant's audit log. */
    @Path("{tenantId}/audit")
    public TenantAuditResource audit() {
        return audit;
    }

    @POST
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Create a tenant, its Keycloak organization and its billing account")
    @APIResponse(
            responseCode = "201",
            description = "The tenant; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TenantView.class)))
    @APIResponse(responseCode = "503", description = "Keycloak is unavailable; nothing was written")
    public Response create(@NotNull @Valid CreateTenantRequest request, UriInfo uri) {
        TenantView t = onboarding.create(current.actor(), request);
        return Response.created(
                        uri.getAbsolutePathBuilder().path(t.id().toString()).build())
                .entity(t)
                .build();
    }

    @GET
    @Operation(summary = "List tenants (keyset pagination; tenant admins see their own)")
    public Page<TenantView> list(
            @QueryParam("status") TenantStatus status,
            @QueryParam("q") String search,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit")
                    @Min(value = 1, message = Page.LIMIT_RANGE_MESSAGE)
                    @Max(value = Page.MAX_LIMIT, message = Page.LIMIT_RANGE_MESSAGE)
                    Integer limit) {
        return tenants.list(current.actor(), status, search, cursor, limit);
    }

    @GET
    @Path("{tenantId}")
    @Operation(summary = "Get a tenant")
    public TenantView get(@PathParam("tenantId") UUID tenantId) {
        return tenants.get(current.actor(), tenantId);
    }

    @PATCH
    @Path("{tenantId}")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Change name, time zone or plan")
    public TenantView update(@PathParam("tenantId") UUID tenantId, @NotNull @Valid UpdateTenantRequest request) {
        return onboarding.update(current.actor(), tenantId, request);
    }

    @POST
    @Path("{tenantId}/suspend")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Suspend: every key of the tenant is refused within a second")
    public TenantView suspend(@PathParam("tenantId") UUID tenantId, String body) throws JsonProcessingException {
        requireNoFields(body);
        return tenants.changeStatus(current.actor(), tenantId, TenantStatus.SUSPENDED);
    }

    @POST
    @Path("{tenantId}/activate")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Re-activate a suspended tenant")
    public TenantView activate(@PathParam("tenantId") UUID tenantId, String body) throws JsonProcessingException {
        requireNoFields(body);
        return tenants.changeStatus(current.actor(), tenantId, TenantStatus.ACTIVE);
    }

    @POST
    @Path("{tenantId}/close")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Close a tenant (final; kept for invoices)")
    public TenantView close(@PathParam("tenantId") UUID tenantId, String body) throws JsonProcessingException {
        requireNoFields(body);
        return tenants.changeStatus(current.actor(), tenantId, TenantStatus.CLOSED);
    }

    /**
     * The status actions take no fields. A body sent anyway is read as strictly as every admin body
     * ({@code StrictAdminBodies}): none, or {@code {}}, is accepted; one that is not JSON, or that names a field
     * ({@code {"reason":"..."}}), is a 400 problem and the action is not taken, instead of the body being ignored.
     * Read as text so that a body-less request needs no content type.
     */
    private void requireNoFields(String body) throws JsonProcessingException {
        if (body != null && !body.isBlank()) {
            json.readValue(body, NoFields.class);
        }
    }

    /** The body of an action that takes no fields. */
    record NoFields() {}
}
