package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.apikey.ApiKeyService;
import io.ascendant.tenancy.apikey.CreateApiKeyRequest;
import io.ascendant.tenancy.apikey.CreatedApiKey;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.limits.LimitScope;
import io.ascendant.tenancy.limits.LimitSetView;
import io.ascendant.tenancy.limits.LimitsService;
import io.ascendant.tenancy.limits.PutLimitsRequest;
import io.ascendant.tenancy.project.CreateProjectRequest;
import io.ascendant.tenancy.project.ProjectService;
import io.ascendant.tenancy.project.ProjectStatus;
import io.ascendant.tenancy.project.ProjectView;
import io.ascendant.tenancy.project.UpdateProjectRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Projects of a tenant (sub-resource of {@link TenantResource}: {@code /tenants/{tenantId}/projects}). */
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "Projects")
public class ProjectResource {

    @Inject
    CurrentAdmin current;

    @Inject
    ProjectService projects;

    @Inject
    ApiKeyService keys;

    @Inject
    LimitsService limits;

    @POST
    @Operation(summary = "Create a project")
    @APIResponse(
            responseCode = "201",
            description = "The project; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ProjectView.class)))
    public Response create(
            @PathParam("tenantId") UUID tenantId, @NotNull @Valid CreateProjectRequest request, UriInfo uri) {
        ProjectView p = projects.create(current.actor(), tenantId, request);
        return Response.created(
                        uri.getAbsolutePathBuilder().path(p.id().toString()).build())
                .entity(p)
                .build();
    }

    @GET
    @Operation(summary = "List projects (keyset pagination)")
    public Page<ProjectView> list(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("status") ProjectStatus status,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit")
                    @Min(value = 1, message = Page.LIMIT_RANGE_MESSAGE)
                    @Max(value = Page.MAX_LIMIT, message = Page.LIMIT_RANGE_MESSAGE)
                    Integer limit) {
        return projects.list(current.actor(), tenantId, status, cursor, limit);
    }

    @GET
    @Path("{projectId}")
    @Operation(summary = "Get a project")
    public ProjectView get(@PathParam("tenantId") UUID tenantId, @PathParam("projectId") UUID projectId) {
        return projects.get(current.actor(), tenantId, projectId);
    }

    @PATCH
    @Path("{projectId}")
    @Operation(summary = "Rename, describe, archive or re-activate a project")
    public ProjectView update(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("projectId") UUID projectId,
            @NotNull @Valid UpdateProjectRequest request) {
        return projects.update(current.actor(), tenantId, projectId, request);
    }

    @POST
    @Path("{projectId}/keys")
    @Operation(summary = "Create a key; the answer's 'secret' is shown exactly once")
    @APIResponse(
            responseCode = "201",
            description = "The key; its secret is shown this once; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CreatedApiKey.class)))
    public Response createKey(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("projectId") UUID projectId,
            @NotNull @Valid CreateApiKeyRequest request,
            UriInfo uri) {
        CreatedApiKey k = keys.create(current.actor(), tenantId, projectId, request);
        return Response.created(ApiKeyResource.keyUri(uri, tenantId, k.key().id()))
                .entity(k)
                .build();
    }

    @GET
    @Path("{projectId}/limits")
    @Operation(summary = "Project limits")
    public List<LimitSetView> getLimits(@PathParam("tenantId") UUID tenantId, @PathParam("projectId") UUID projectId) {
        return limits.get(current.actor(), LimitScope.PROJECT, tenantId, projectId);
    }

    @PUT
    @Path("{projectId}/limits")
    @Operation(summary = "Set project limits for one model (tenant admins: within the tenant's limits)")
    public LimitSetView putLimits(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("projectId") UUID projectId,
            @NotNull @Valid PutLimitsRequest r) {
        return limits.put(current.actor(), LimitScope.PROJECT, tenantId, projectId, r);
    }

    @DELETE
    @Path("{projectId}/limits")
    @Operation(summary = "Remove project limits for one model")
    public void deleteLimits(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("projectId") UUID projectId,
            @QueryParam("model") @DefaultValue("*") String model) {
        limits.delete(current.actor(), LimitScope.PROJECT, tenantId, projectId, model);
    }
}
