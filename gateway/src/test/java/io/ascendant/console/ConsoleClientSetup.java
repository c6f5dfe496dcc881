package io.ascendant.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Points the realm's console client at the test gateway: the realm file allows the launcher's port 8080, the test
 * gateway listens on a random port.
 */
final class ConsoleClientSetup {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String configuredOrigin;

    private ConsoleClientSetup() {}

    static synchronized void allowOrigin(KeycloakTokens keycloak, URL console) throws Exception {
        String origin = console.getProtocol() + "://" + console.getHost() + ":" + console.getPort();
        if (origin.equals(configuredOrigin)) {
            return;
        }
        HttpClient http = HttpClient.newHttpClient();
        String clients = keycloak.baseUrl() + "/admin/realms/ascendant/clients";
        JsonNode found = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(clients + "?clientId=ascendant-console"))
                                .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        ObjectNode client = (ObjectNode) found.get(0);
        client.putArray("redirectUris").add(origin + "/*");
        client.putArray("webOrigins").add(origin);
        ((ObjectNode) client.get("attributes")).put("post.logout.redirect.uris", origin + "/*");
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(
                                URI.create(clients + "/" + client.get("id").asText()))
                        .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(client)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
        configuredOrigin = origin;
    }
}
