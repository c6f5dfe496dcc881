package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.apikey.ApiKeyRepository;
import io.ascendant.tenancy.apikey.ApiKeyService;
import io.ascendant.tenancy.apikey.ApiKeyStatus;
import io.ascendant.tenancy.apikey.ApiKeyView;
import io.ascendant.tenancy.apikey.CreateApiKeyRequest;
import io.ascendant.tenancy.apikey.CreatedApiKey;
import io.ascendant.tenancy.apikey.RotateApiKeyRequest;
import io.ascendant.tenancy.common.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API keys of a tenant. The secret appears only in the answers of create and rotate. */
@Path(AdminApi.V1 + "/tenants/{tenantId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "API keys")
public class ApiKeyResource {

    @Inject
    CurrentAdmin current;

    @Inject
    ApiKeyService keys;

    @POST
    @Path("projects/{projectId}/keys")
    @Operation(summary = "Create a key; the answer's 'secret' is shown exactly once")
    public Response create(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("projectId") UUID projectId,
            @NotNull @Valid CreateApiKeyRequest request,
            UriInfo uri) {
        CreatedApiKey k = keys.create(current.actor(), tenantId, projectId, request);
        return Response.created(keyUri(uri, tenantId, k.key().id())).entity(k).build();
    }

    @GET
    @Path("keys")
    @Operation(summary = "List keys (keyset pagination; filter by project, status, name prefix or public id)")
    public Page<ApiKeyView> list(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("projectId") UUID projectId,
            @QueryParam("status") ApiKeyStatus status,
            @QueryParam("q") String search,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return keys.list(
                current.actor(), tenantId, new ApiKeyRepository.Filter(projectId, status, search), cursor, limit);
    }

    @GET
    @Path("keys/{keyId}")
    @Operation(summary = "Get a key (never its secret)")
    public ApiKeyView get(@PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId) {
        return keys.get(current.actor(), tenantId, keyId);
    }

    @POST
    @Path("keys/{keyId}/rotate")
    @Operation(summary = "Issue a replacement key; the old one stays valid until oldKeyValidUntil")
    public Response rotate(
            @PathParam("tenantId") UUID tenantId,
            @PathParam("keyId") UUID keyId,
            @Valid RotateApiKeyRequest request,
            UriInfo uri) {
        CreatedApiKey k = keys.rotate(current.actor(), tenantId, keyId, request);
        return Response.created(keyUri(uri, tenantId, k.key().id())).entity(k).build();
    }

    @POST
    @Path("keys/{keyId}/revoke")
    @Operation(summary = "Revoke a key (refused on every gateway replica within a second)")
    public ApiKeyView revoke(@PathParam("tenantId") UUID tenantId, @PathParam("keyId") UUID keyId) {
        return keys.revoke(current.actor(), tenantId, keyId);
    }

    private static java.net.URI keyUri(UriInfo uri, UUID tenantId, UUID keyId) {
        return UriBuilder.fromUri(uri.getBaseUri())
                .path(AdminApi.V1)
                .path("tenants")
                .path(tenantId.toString())
                .path("keys")
                .path(keyId.toString())
                .build();
    }
}
