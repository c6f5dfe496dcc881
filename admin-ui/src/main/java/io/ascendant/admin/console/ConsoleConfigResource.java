package io.ascendant.admin.console;

import io.ascendant.admin.AdminConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Where the console's browser code signs in: the Keycloak base URL, realm and public client. Anonymous (the console
 * needs it before it has a token) and free of secrets. The console itself (static files under {@code /admin/}) calls
 * only the admin API with the access token it gets there.
 *
 * <p>The realm is taken from {@code quarkus.oidc.auth-server-url} ({@code <keycloak>/realms/<realm>}), so the console
 * signs in at exactly the issuer the admin API trusts.
 */
@Path("/admin/console/config.json")
@Tag(name = "Console")
public class ConsoleConfigResource {

    /**
     * Sign-in settings of the console.
     *
     * @param keycloakUrl Keycloak base URL as the browser reaches it, e.g. {@code http://127.0.0.1:8180}
     * @param realm realm name, e.g. {@code ascendant}
     * @param clientId public PKCE client of the console
     */
    public record ConsoleConfig(String keycloakUrl, String realm, String clientId) {}

    @ConfigProperty(name = "quarkus.oidc.auth-server-url")
    String authServerUrl;

    @Inject
    AdminConfig admin;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign-in settings of the admin console (anonymous, no secrets)")
    public ConsoleConfig config() {
        return of(authServerUrl, admin.console().keycloakUrl(), admin.console().clientId());
    }

    static ConsoleConfig of(String authServerUrl, Optional<String> publicUrl, String clientId) {
        String issuer = authServerUrl.replaceAll("/+$", "");
        int at = issuer.lastIndexOf("/realms/");
        if (at < 0) {
            throw new IllegalStateException("quarkus.oidc.auth-server-url must end in /realms/<realm>: " + issuer);
        }
        String base = publicUrl.map(u -> u.replaceAll("/+$", "")).orElse(issuer.substring(0, at));
        return new ConsoleConfig(base, issuer.substring(at + "/realms/".length()), clientId);
    }
}
