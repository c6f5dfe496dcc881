package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.apikey.ApiKeyRepository;
import io.ascendant.tenancy.apikey.ApiKeyService;
import io.ascendant.tenancy.apikey.ApiKeyStatus;
import io.ascendant.tenancy.apikey.ApiKeyView;
import io.ascendant.tenancy.apikey.CreatedApiKey;
import io.ascendant.tenancy.apikey.RotateApiKeyRequest;
import io.ascendant.tenancy.apikey.UpdateApiKeyRequest;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.limits.LimitScope;
import io.ascendant.tenancy.limits.LimitSetView;
import io.ascendant.tenancy.limits.LimitsService;
import io.ascendant.tenancy.limits.PutLimitsRequest;
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
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * API keys of a tenant (sub-resource of {@link TenantResource}: {@code /tenants/{tenantId}/keys}); keys are created
 * under their project ({@link ProjectResource}). The secret appears only in the answers of create and rotate.
 */
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "API keys")
public class ApiKeyResource {

    @Inject
    CurrentAdmin current;

    @Inject
    ApiKeyService keys;

    @Inject
    LimitsService limits;

    @GET
    @Operation(summary = "List keys (keyset pagination; filter by project, status, name prefix or public id)")
    public Page<ApiKeyView> list(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("projectId") UUID projectId,
            @QueryParam("status") ApiKeyStatus status,
            @QueryParam("q") String search,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit")
                    @Min(value = 1, message = Page.LIMIT_RANGE_MESSAGE)
                    @Max(value = Page.MAX_LIMIT, message = Page.LIMIT_RANGE_MESSAGE)
                    Integer limit) {
        return keys.list(
                current.actor(), tenantId, new ApiKeyRepository.Filter(projectId, status, search), cursor, limit);
    }

    @GET
    @Path("{keyId}")
    @Operation(summary = "Get a key (never its secret)")
    public ApiKeyView get(@PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId) {
        return keys.get(current.actor(), tenantId, keyId);
    }

    @PATCH
    @Path("{keyId}")
    @Operation(
            summary = "Change a key's scopes (active, unexpired keys; applies to the key's next request, on every"
                    + " gateway replica within a second)")
    public ApiKeyView update(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("keyId") UUID keyId,
            @NotNull @Valid UpdateApiKeyRequest request) {
        return keys.updateScopes(current.actor(), tenantId, keyId, request);
    }

    @POST
    @Path("{keyId}/rotate")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Operation(summary = "Issue a replacement key; the old one stays valid until oldKeyValidUntil")
    @APIResponse(
            responseCode = "201",
            description = "The replacement key; its secret is shown this once; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CreatedApiKey.class)))
    public Response rotate(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("keyId") UUID keyId,
            @Valid RotateApiKeyRequest request,
            UriInfo uri) {
        CreatedApiKey k = keys.rotate(current.actor(), tenantId, keyId, request);
        return Response.created(keyUri(uri, tenantId, k.key().id())).entity(k).build();
    }

    @POST
    @Path("{keyId}/revoke")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Revoke a key (refused on every gateway replica within a second)")
    public ApiKeyView revoke(@PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId) {
        return keys.revoke(current.actor(), tenantId, keyId);
    }

    @GET
    @Path("{keyId}/limits")
    @Operation(summary = "Key limits")
    public List<LimitSetView> getLimits(@PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId) {
        return limits.get(current.actor(), LimitScope.KEY, tenantId, keyId);
    }

    @PUT
    @Path("{keyId}/limits")
    @Operation(summary = "Set key limits for one model (tenant admins: within the tenant's limits)")
    public LimitSetView putLimits(
            @PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId, @NotNull @Valid PutLimitsRequest r) {
        return limits.put(current.actor(), LimitScope.KEY, tenantId, keyId, r);
    }

    @DELETE
    @Path("{keyId}/limits")
    @Operation(summary = "Remove key limits for one model")
    public void deleteLimits(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("keyId") UUID keyId,
            @QueryParam("model") @DefaultValue("*") String model) {
        limits.delete(current.actor(), LimitScope.KEY, tenantId, keyId, model);
    }

    static java.net.URI keyUri(UriInfo uri, UUID tenantId, UUID keyId) {
        return UriBuilder.fromUri(uri.getBaseUri())
                .path(AdminApi.V1)
                .path("tenants")
                .path(tenantId.toString())
                .path("keys")
                .path(keyId.toString())
                .build();
    }
}
