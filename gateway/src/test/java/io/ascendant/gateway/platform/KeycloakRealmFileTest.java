package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The realm file that installations import ({@code deploy/keycloak/realm-ascendant.json}) locks users out after failed
 * logins. The test harness imports it with that protection off (see {@code KeycloakTokens.provisionRealm}), so this
 * pins that the file itself keeps it.
 */
class KeycloakRealmFileTest {

    @Test
    void theProductRealmIsBruteForceProtected() throws Exception {
        Path file = Path.of(System.getProperty("ascendant.test.realm-file", "../deploy/keycloak/realm-ascendant.json"));
        JsonNode realm = new ObjectMapper().readTree(Files.readString(file));

        assertThat(realm.path("realm").asText()).isEqualTo("ascendant");
        assertThat(realm.path("bruteForceProtected").isBoolean()).isTrue();
        assertThat(realm.path("bruteForceProtected").asBoolean()).isTrue();
    }
}
