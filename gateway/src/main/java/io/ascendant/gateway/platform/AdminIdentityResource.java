package io.ascendant.gateway.platform;

import io.quarkus.logging.Log;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Collection;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The smallest admin endpoints: who the caller is, and a ping only platform administrators may call. They exist so
 * that operators (and the test suite) can check a Keycloak token end to end: 401 without or with a bad token, 403
 * with the wrong role.
 */
@Path("/admin/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Platform")
public class AdminIdentityResource {

    /** The realm roles of the {@code ascendant} realm that the admin side knows. */
    static final List<String> ADMIN_ROLES = List.of("platform-admin", "tenant-admin", "billing-viewer");

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    /** Returns the caller's name, admin roles and organizations; any admin role may call it. */
    @GET
    @Path("/whoami")
    @RolesAllowed({"platform-admin", "tenant-admin", "billing-viewer"})
    public AdminIdentity whoami() {
        List<String> roles =
                ADMIN_ROLES.stream().filter(identity::hasRole).sorted().toList();
        Log.debugf("whoami: %s has admin roles %s", identity.getPrincipal().getName(), roles);
        return new AdminIdentity(identity.getPrincipal().getName(), roles, organizations());
    }

    /** Answers {@code {"status":"ok"}} to platform administrators only. */
    @GET
    @Path("/platform/ping")
    @RolesAllowed("platform-admin")
    public Ping ping() {
        return new Ping("ok");
    }

    /** Body of the platform ping. */
    public record Ping(String status) {}

    private List<String> organizations() {
        Object claim = token.getClaim("organization");
        if (claim instanceof JsonArray array) {
            return array.stream()
                    .filter(v -> v.getValueType() == JsonValue.ValueType.STRING)
                    .map(v -> ((JsonString) v).getString())
                    .sorted()
                    .toList();
        }
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).sorted().toList();
        }
        if (claim instanceof String single) {
            return List.of(single);
        }
        return List.of();
    }
}
