package io.ascendant.tenancy;

import io.ascendant.tenancy.apikey.ApiKeyCaller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Test-only tenant endpoint: shows what the API-key mechanism put into the security identity. Lives under {@code /v1/}
 * so it is a tenant path.
 */
@Path("/v1/tenancy-probe")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ApiKeyCaller.ROLE)
public class TenantApiProbeResource {

    @Inject
    SecurityIdentity identity;

    @GET
    public Map<String, Object> whoami() {
        ApiKeyCaller c = (ApiKeyCaller) identity.getPrincipal();
        return Map.of(
                "tenantId", c.tenantId().toString(),
                "projectId", c.projectId().toString(),
                "keyId", c.keyId().toString(),
                "publicId", c.publicId(),
                "currency", c.currency(),
                "timeZone", c.timeZone().getId(),
                "roles", identity.getRoles());
    }
}
