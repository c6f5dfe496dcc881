package io.ascendant.gateway.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Real access tokens and real users of realm {@code ascendant} for tests, through Keycloak's token endpoint (password
 * grant on the test client {@value #TEST_CLIENT}) and admin REST API (as the master realm's bootstrap admin).
 *
 * <p>Four users exist from the start, one per admin role plus one without any: {@link #platformAdmin()}, {@link
 * #tenantAdmin()} and {@link #billingViewer()} (both members of organization {@value #TEST_ORGANIZATION}), {@link
 * #noRoles()}. {@link #createUser} makes more, with unique names, so tests never interfere.
 *
 * <p>Every call is a blocking HTTP request to 127.0.0.1; methods throw {@link IllegalStateException} with
 * Keycloak's status and body when Keycloak refuses.
 */
public final class KeycloakTokens {

    /** Client id of the platform's confidential client (gateway back end, service account). */
    public static final String PLATFORM_CLIENT = "ascendant-platform";
    /** Public test-only client with direct access grants (password grant). */
    public static final String TEST_CLIENT = "ascendant-test";
    /** Like {@link #TEST_CLIENT} but its access tokens live one second, for expiry tests. */
    public static final String SHORT_LIVED_TEST_CLIENT = "ascendant-test-short-lived";
    /** The organization of the predefined tenant admin and billing viewer. */
    public static final String TEST_ORGANIZATION = "test-tenant";

    private static final String PASSWORD = "Test-password-1";
    /** A cached token with less left than this is replaced: it must outlast the calls a test makes with it. */
    private static final Duration MIN_TOKEN_LIFE = Duration.ofSeconds(60);

    private static final String REALM = SharedKeycloak.REALM;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String adminUser;
    private final String adminPassword;
    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Tokens of {@link #token}, by user name. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    private String adminToken;
    private Instant adminTokenExpiry = Instant.EPOCH;
    private String platformClientSecret;
    private TestUser platformAdmin;
    private TestUser tenantAdmin;
    private TestUser billingViewer;
    private TestUser noRoles;

    KeycloakTokens(String baseUrl, String adminUser, String adminPassword) {
        this.baseUrl = baseUrl;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** The issuer of realm {@code ascendant}, for example {@code http://127.0.0.1:41234/realms/ascendant}. */
    public String issuer() {
        return baseUrl + "/realms/" + REALM;
    }

    /** The server's base URL. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The secret of the platform's confidential client {@value #PLATFORM_CLIENT}. */
    public String platformClientSecret() {
        return platformClientSecret;
    }

    /** A user with realm role {@code platform-admin} and no organization. */
    public TestUser platformAdmin() {
        return platformAdmin;
    }

    /** A user with realm role {@code tenant-admin}, member of {@value #TEST_ORGANIZATION}. */
    public TestUser tenantAdmin() {
        return tenantAdmin;
    }

    /** A user with realm role {@code billing-viewer}, member of {@value #TEST_ORGANIZATION}. */
    public TestUser billingViewer() {
        return billingViewer;
    }

    /** A user of the realm with none of the admin roles. */
    public TestUser noRoles() {
        return noRoles;
    }

    /** A fresh access token (5 minutes) for {@code user}, by password grant. */
    public String accessToken(TestUser user) {
        return accessToken(user.username(), user.password());
    }

    /** A fresh access token (5 minutes) for any user of the realm, by password grant. */
    public String accessToken(String username, String password) {
        return passwordGrant(TEST_CLIENT, username, password);
    }

    /**
     * An access token for {@code user} with at least a minute left: the one this method gave before while it has,
     * else a fresh one (password grant). For tests that act as a user over minutes (a token lives 5 minutes, the
     * realm's {@code accessTokenLifespan}, and a test on a loaded machine can take longer than that): asking here
     * before each call never sends an expired token, and does not ask Keycloak for a token per call.
     */
    public String token(TestUser user) {
        return tokens.compute(
                user.username(),
                (name, cached) -> cached != null && hasLeft(cached, MIN_TOKEN_LIFE) ? cached : accessToken(user));
    }

    private static boolean hasLeft(String jwt, Duration life) {
        return Instant.ofEpochSecond(claims(jwt).path("exp").asLong())
                .isAfter(Instant.now().plus(life));
    }

    /**
     * An access token for {@code user} that expires one second after it is issued; its {@code exp} claim is
     * returned with it so the test can wait until it has passed.
     */
    public ShortLivedToken shortLivedAccessToken(TestUser user) {
        String token = passwordGrant(SHORT_LIVED_TEST_CLIENT, user.username(), user.password());
        long exp = claims(token).path("exp").asLong();
        return new ShortLivedToken(token, Instant.ofEpochSecond(exp));
    }

    /** A token whose {@code exp} is {@code expiresAt}. */
    public record ShortLivedToken(String token, Instant expiresAt) {}

    /** Decodes (without verifying) the payload of a JWT, for assertions on claims. */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        try {
            return JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates a user with a unique name ({@code usernamePrefix} plus a random suffix), the given realm roles and,
     * when {@code organizationAlias} is given, membership of that organization (created if missing).
     */
    public synchronized TestUser createUser(String usernamePrefix, Set<String> realmRoles, String organizationAlias) {
        String username = usernamePrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        return ensureUser(username, realmRoles, Optional.ofNullable(organizationAlias));
    }

    /** Creates the organization {@code alias} if it does not exist and returns its Keycloak id. */
    public synchronized String ensureOrganization(String alias) {
        Optional<String> existing = findOrganization(alias);
        if (existing.isPresent()) {
            return existing.get();
        }
        ObjectNode org =
                JSON.createObjectNode().put("name", alias).put("alias", alias).put("enabled", true);
        org.putArray("domains").addObject().put("name", alias + ".example.com");
        admin("POST", "/admin/realms/" + REALM + "/organizations", org, 201);
        return findOrganization(alias).orElseThrow(() -> new IllegalStateException("organization vanished: " + alias));
    }

    /**
     * An access token of the master realm's admin, for tests that call Keycloak's admin REST API themselves (for
     * example to check that the platform created an organization).
     */
    public synchronized String adminAccessToken() {
        if (Instant.now().isAfter(adminTokenExpiry)) {
            JsonNode body = tokenRequest(
                    baseUrl + "/realms/master/protocol/openid-connect/token",
                    Map.of(
                            "grant_type",
                            "password",
                            "client_id",
                            "admin-cli",
                            "username",
                            adminUser,
                            "password",
                            adminPassword));
            adminToken = body.path("access_token").asText();
            adminTokenExpiry = Instant.now()
                    .plusSeconds(Math.max(5, body.path("expires_in").asLong() - 15));
        }
        return adminToken;
    }

    /** Creates realm, test clients and predefined users unless they exist; called once per server. */
    synchronized void provisionRealm(Path realmFile) {
        if (admin("GET", "/admin/realms/" + REALM, null, 200, 404).statusCode() == 404) {
            try {
                ObjectNode realm = (ObjectNode) JSON.readTree(Files.readString(realmFile)
                        .replace(
                                "${ASCENDANT_PLATFORM_CLIENT_SECRET}",
                                UUID.randomUUID().toString()));
                // The product realm locks a user out after failed logins (bruteForceProtected). A test run logs its
                // shared users in by password grant thousands of times, many at once, and Keycloak 26 has locked the
                // platform admin out with no failed login before (event user_temporarily_disabled, then "Invalid
                // user credentials"; keycloak/keycloak#36495), failing whichever test asked next. No test checks
                // Keycloak's own lockout, so the realm imported here has it off. The realm file installations
                // import keeps it on (KeycloakRealmFileTest); a reused server's existing realm is left as it is.
                realm.put("bruteForceProtected", false);
                admin("POST", "/admin/realms", realm, 201);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read realm file " + realmFile, e);
            }
        }
        ensureTestClient(TEST_CLIENT, Map.of());
        ensureTestClient(SHORT_LIVED_TEST_CLIENT, Map.of("access.token.lifespan", "1"));
        String platformClientId = clientUuid(PLATFORM_CLIENT);
        platformClientSecret = readJson(admin(
                        "GET", "/admin/realms/" + REALM + "/clients/" + platformClientId + "/client-secret", null, 200))
                .path("value")
                .asText();
        platformAdmin = ensureUser("test-platform-admin", Set.of("platform-admin"), Optional.empty());
        tenantAdmin = ensureUser("test-tenant-admin", Set.of("tenant-admin"), Optional.of(TEST_ORGANIZATION));
        billingViewer = ensureUser("test-billing-viewer", Set.of("billing-viewer"), Optional.of(TEST_ORGANIZATION));
        noRoles = ensureUser("test-no-roles", Set.of(), Optional.empty());
    }

    private void ensureTestClient(String clientId, Map<String, String> attributes) {
        if (findClientUuid(clientId).isPresent()) {
            return;
        }
        ObjectNode client = JSON.createObjectNode()
                .put("clientId", clientId)
                .put("name", "Test client (password grant); never in production realms")
                .put("publicClient", true)
                .put("standardFlowEnabled", false)
                .put("directAccessGrantsEnabled", true);
        ArrayNode scopes = client.putArray("defaultClientScopes");
        for (String scope : new String[] {"web-origins", "acr", "profile", "roles", "basic", "email", "organization"}) {
            scopes.add(scope);
        }
        ObjectNode attrs = client.putObject("attributes");
        attributes.forEach(attrs::put);
        admin("POST", "/admin/realms/" + REALM + "/clients", client, 201);
    }

    private TestUser ensureUser(String username, Set<String> realmRoles, Optional<String> organization) {
        ObjectNode user = JSON.createObjectNode()
                .put("username", username)
                .put("enabled", true)
                .put("email", username + "@example.com")
                .put("emailVerified", true)
                .put("firstName", "Test")
                .put("lastName", username);
        user.putArray("credentials")
                .addObject()
                .put("type", "password")
                .put("value", PASSWORD)
                .put("temporary", false);
        admin("POST", "/admin/realms/" + REALM + "/users", user, 201, 409);
        JsonNode found = readJson(
                admin("GET", "/admin/realms/" + REALM + "/users?exact=true&username=" + encode(username), null, 200));
        String id = found.path(0).path("id").asText();
        if (!realmRoles.isEmpty()) {
            ArrayNode roles = JSON.createArrayNode();
            for (String role : realmRoles) {
                roles.add(readJson(admin("GET", "/admin/realms/" + REALM + "/roles/" + encode(role), null, 200)));
            }
            admin("POST", "/admin/realms/" + REALM + "/users/" + id + "/role-mappings/realm", roles, 204);
        }
        if (organization.isPresent()) {
            String orgId = ensureOrganization(organization.get());
            HttpRequest request = adminRequest("/admin/realms/" + REALM + "/organizations/" + orgId + "/members")
                    .POST(HttpRequest.BodyPublishers.ofString("\"" + id + "\""))
                    .header("Content-Type", "application/json")
                    .build();
            expect(send(request), 201, 409);
        }
        return new TestUser(id, username, PASSWORD, Set.copyOf(realmRoles), organization);
    }

    /** The Keycloak id of the organization {@code alias}, if it exists. */
    public synchronized Optional<String> findOrganization(String alias) {
        JsonNode orgs = readJson(admin(
                "GET", "/admin/realms/" + REALM + "/organizations?exact=true&search=" + encode(alias), null, 200));
        for (JsonNode org : orgs) {
            if (alias.equals(org.path("alias").asText())) {
                return Optional.of(org.path("id").asText());
            }
        }
        return Optional.empty();
    }

    private String clientUuid(String clientId) {
        return findClientUuid(clientId)
                .orElseThrow(() -> new IllegalStateException("Client " + clientId + " missing from realm " + REALM));
    }

    private Optional<String> findClientUuid(String clientId) {
        JsonNode clients =
                readJson(admin("GET", "/admin/realms/" + REALM + "/clients?clientId=" + encode(clientId), null, 200));
        return clients.isEmpty()
                ? Optional.empty()
                : Optional.of(clients.path(0).path("id").asText());
    }

    private String passwordGrant(String clientId, String username, String password) {
        return tokenRequest(
                        issuer() + "/protocol/openid-connect/token",
                        Map.of(
                                "grant_type", "password",
                                "client_id", clientId,
                                "username", username,
                                "password", password,
                                "scope", "openid"))
                .path("access_token")
                .asText();
    }

    private JsonNode tokenRequest(String url, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return readJson(expect(send(request), 200));
    }

    private HttpResponse<String> admin(String method, String path, JsonNode body, int... expected) {
        HttpRequest.Builder request = adminRequest(path);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return expect(send(request.build()), expected);
    }

    private HttpRequest.Builder adminRequest(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminAccessToken());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak request failed: " + request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during a Keycloak request", e);
        }
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int... expected) {
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        Set<Integer> wanted = new LinkedHashSet<>();
        for (int status : expected) {
            wanted.add(status);
        }
        throw new IllegalStateException("Keycloak answered " + response.statusCode() + " (expected " + wanted + ") to "
                + response.request().method() + " " + response.request().uri().getPath() + ": " + response.body());
    }

    private static JsonNode readJson(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Keycloak answered non-JSON: " + response.body(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
