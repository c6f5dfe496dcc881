package io.ascendant.admin.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleConfigResourceTest {

    @Test
    void derivesKeycloakBaseAndRealmFromTheIssuer() {
        var c = ConsoleConfigResource.of(
                "http://127.0.0.1:8180/realms/ascendant/", Optional.empty(), "ascendant-console");
        assertThat(c.keycloakUrl()).isEqualTo("http://127.0.0.1:8180");
        assertThat(c.realm()).isEqualTo("ascendant");
        assertThat(c.clientId()).isEqualTo("ascendant-console");
    }

    @Test
    void keepsAContextPathAndPrefersThePublicUrl() {
        var c = ConsoleConfigResource.of(
                "http://keycloak:8080/auth/realms/acme", Optional.of("https://sso.example.com/auth/"), "console");
        assertThat(c.keycloakUrl()).isEqualTo("https://sso.example.com/auth");
        assertThat(c.realm()).isEqualTo("acme");
        assertThat(ConsoleConfigResource.of("http://keycloak:8080/auth/realms/acme", Optional.empty(), "c")
                        .keycloakUrl())
                .isEqualTo("http://keycloak:8080/auth");
    }

    @Test
    void refusesAnIssuerWithoutRealm() {
        assertThrows(
                IllegalStateException.class,
                () -> ConsoleConfigResource.of("http://127.0.0.1:8180", Optional.empty(), "c"));
    }
}
