package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who the caller is, for the console: roles and tenant. */
@Path(AdminApi.V1 + "/me")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Me")
public class MeResource {

    /**
     * The caller.
     *
     * @param subject Keycloak user id
     * @param username preferred username
     * @param roles admin roles
     * @param tenantId tenant from the organization claim, or null
     */
    public record Me(String subject, String username, Set<String> roles, UUID tenantId) {}

    @Inject
    CurrentAdmin current;

    @GET
    @Operation(summary = "The caller's identity, roles and tenant")
    public Me me() {
        AdminActor a = current.actor();
        return new Me(
                a.subject(),
                a.username(),
                new TreeSet<>(a.roles()),
                a.tenantId().orElse(null));
    }
}
