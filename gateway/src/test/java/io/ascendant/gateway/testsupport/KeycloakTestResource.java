package io.ascendant.gateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.Map;

/**
 * Global test resource: every {@code @QuarkusTest} of the gateway module talks to the shared real Keycloak
 * ({@link SharedKeycloak}) for admin tokens, and may inject {@link KeycloakTokens} with {@link InjectKeycloak}.
 *
 * <p>Besides the OIDC settings it publishes the {@code quarkus.keycloak.admin-client.*} settings of the platform's
 * confidential client (service account allowed to manage users and organizations) and {@code
 * ascendant.keycloak.url}.
 */
@WithTestResource(value = KeycloakTestResource.class, scope = TestResourceScope.GLOBAL, parallel = true)
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        SharedKeycloak keycloak = SharedKeycloak.get();
        String secret = keycloak.tokens().platformClientSecret();
        return Map.of(
                "quarkus.oidc.auth-server-url",
                keycloak.realmUrl(),
                "quarkus.oidc.credentials.secret",
                secret,
                "ascendant.keycloak.url",
                keycloak.baseUrl(),
                "quarkus.keycloak.admin-client.server-url",
                keycloak.baseUrl(),
                "quarkus.keycloak.admin-client.realm",
                SharedKeycloak.REALM,
                "quarkus.keycloak.admin-client.client-id",
                KeycloakTokens.PLATFORM_CLIENT,
                "quarkus.keycloak.admin-client.client-secret",
                secret,
                "quarkus.keycloak.admin-client.grant-type",
                "CLIENT_CREDENTIALS");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(
                SharedKeycloak.get().tokens(),
                new TestInjector.AnnotatedAndMatchesType(InjectKeycloak.class, KeycloakTokens.class));
    }

    @Override
    public void stop() {
        // The server outlives application restarts; SharedKeycloak stops it when the JVM exits.
    }
}
