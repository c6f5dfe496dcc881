package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.admins.InviteAdminRequest;
import io.ascendant.tenancy.admins.TenantAdminService;
import io.ascendant.tenancy.admins.TenantAdminView;
import io.ascendant.tenancy.common.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

/**
 * A tenant's admins, invited by e-mail (Keycloak user + organization member); sub-resource of {@link TenantResource}:
 * {@code /tenants/{tenantId}/admins}.
 */
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "Tenant admins")
public class TenantAdminResource {

    @Inject
    CurrentAdmin current;

    @Inject
    TenantAdminService admins;

    @POST
    @Operation(summary = "Invite an admin by e-mail (the tenant's first admin, or more)")
    @APIResponse(
            responseCode = "201",
            description = "The invited admin; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TenantAdminView.class)))
    @APIResponse(responseCode = "503", description = "Keycloak is unavailable; nothing was written")
    public Response invite(@PathParam("tenantId") UUID tenantId, @NotNull @Valid InviteAdminRequest r, UriInfo uri) {
        TenantAdminView a = admins.invite(current.actor(), tenantId, r);
        return Response.created(
                        uri.getAbsolutePathBuilder().path(a.id().toString()).build())
                .entity(a)
                .build();
    }

    @GET
    @Operation(summary = "List invited admins")
    public Page<TenantAdminView> list(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit")
                    @Min(value = 1, message = Page.LIMIT_RANGE_MESSAGE)
                    @Max(value = Page.MAX_LIMIT, message = Page.LIMIT_RANGE_MESSAGE)
                    Integer limit) {
        return admins.list(current.actor(), tenantId, cursor, limit);
    }
}
