package io.ascendant.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings of the admin plane (admin API and console), root {@code admin.*}. */
@ConfigMapping(prefix = "admin")
public interface AdminConfig {

    /**
     * Whether this replica serves the admin plane ({@code /admin/*}: API and console); default {@code true}. Data-plane
     * replicas set {@code ADMIN_ENABLED=false}: every {@code /admin} path then answers 404 and only the tenant API is
     * served.
     */
    @WithDefault("true")
    boolean enabled();

    /** The console. */
    Console console();

    /** Console settings. */
    interface Console {
        /** Public Keycloak client of the console (authorization code + PKCE); default {@code ascendant-console}. */
        @WithDefault("ascendant-console")
        String clientId();

        /**
         * Keycloak base URL as browsers reach it, when it differs from the gateway's (for example behind an ingress);
         * default: derived from {@code quarkus.oidc.auth-server-url}.
         */
        Optional<String> keycloakUrl();
    }
}
