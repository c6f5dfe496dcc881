package io.ascendant.admin.billing;

import static io.ascendant.gateway.testsupport.AdminFixtures.createTenant;
import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.uniqueSlug;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/api/v1/billing/requests/{requestId}}: support finds the usage row(s) of a request by the id the
 * tenant knows, the gateway's {@code x-ascendant-request-id} or its own {@code x-request-id}, after real chat
 * completions through the gateway (fake model hosts). Tenant admins see only their tenant's rows; another tenant's row
 * answers exactly like an unknown id.
 */
@QuarkusTest
class RequestUsageLookupTest {

    private static final String REQUESTS = "/admin/api/v1/billing/requests/{id}";
    private static final String PROBLEM = "application/problem+json";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    UsageLedger ledger;

    @Inject
    PodRegistry registry;

    private String platform;

    /**
     * Every gateway request id a tenant sent with a client request id, oldest first: the chat that was answered, and
     * before it any try that dispatch refused {@code hosts_saturated} (see {@link #chat}), which has a usage row too.
     */
    private final Map<String, List<String>> sent = new HashMap<>();

    /** A tenant with a project and a key, made through the admin API; {@code slug} binds tenant admins to it. */
    private record Tenant(String id, String slug, String project, String key, String secret) {}

    @BeforeEach
    void token() {
        platform = keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void findsARequestByItsGatewayIdAfterAChatCompletion() {
        Tenant t = tenant("lookup-gw");
        String clientId = "support-" + UUID.randomUUID();
        Response chat = chat(t, clientId);
        String gatewayId = chat.header("x-ascendant-request-id");
        JsonPath usage = chat.jsonPath();

        JsonPath found =
                lookup(platform, gatewayId).then().statusCode(200).extract().jsonPath();

        assertThat(found.getString("requestId")).isEqualTo(gatewayId);
        assertThat(found.getList("records")).hasSize(1);
        assertThat(found.getString("records[0].requestId")).isEqualTo(gatewayId);
        assertThat(found.getString("records[0].clientRequestId")).isEqualTo(clientId);
        assertThat(found.getString("records[0].tenantId")).isEqualTo(t.id());
        assertThat(found.getString("records[0].projectId")).isEqualTo(t.project());
        assertThat(found.getString("records[0].keyId")).isEqualTo(t.key());
        assertThat(found.getString("records[0].model")).isEqualTo("deepseek-v4-pro");
        assertThat(found.getString("records[0].priceTier")).isEqualTo("deepseek-v4-pro");
        assertThat(found.getString("records[0].hostPod")).isNotBlank();
        assertThat(found.getLong("records[0].promptCacheHitTokens"))
                .isEqualTo(usage.getLong("usage.prompt_cache_hit_tokens"));
        assertThat(found.getLong("records[0].promptCacheMissTokens"))
                .isEqualTo(usage.getLong("usage.prompt_cache_miss_tokens"))
                .isPositive();
        assertThat(found.getLong("records[0].completionTokens"))
                .isEqualTo(usage.getLong("usage.completion_tokens"))
                .isPositive();
        assertThat(found.getLong("records[0].reasoningTokens"))
                .isEqualTo(usage.getLong("usage.completion_tokens_details.reasoning_tokens"));
        assertThat(found.getString("records[0].status")).isEqualTo("COMPLETED");
        assertThat(found.getBoolean("records[0].countedByGateway")).isFalse();
        RatedUsage stored = ledger.find(gatewayId).orElseThrow();
        assertThat(found.getString("records[0].amount"))
                .as("the ledger's exact amount, as a decimal string")
                .isEqualTo(stored.amount().toPlainString());
        assertThat(new BigDecimal(found.getString("records[0].amount"))).isPositive();
        assertThat(found.getString("records[0].currency")).isEqualTo("USD");
        assertThat(found.getString("records[0].priceWindow"))
                .isEqualTo(stored.window().name());
        assertThat(Instant.parse(found.getString("records[0].startedAt")))
                .isEqualTo(stored.event().startedAt());
        assertThat(Instant.parse(found.getString("records[0].finishedAt")))
                .isEqualTo(stored.event().finishedAt());
    }

    @Test
    void findsEveryRequestThatReusedAClientRequestIdNewestFirstWithinTheCallersTenant() {
        Tenant own = tenant("lookup-own");
        Tenant other = tenant("lookup-other");
        String clientId = "retry-" + UUID.randomUUID();
        chat(own, clientId);
        chat(own, clientId);
        chat(other, clientId);
        List<String> ownNewestFirst = sent(own, clientId).reversed();
        List<String> others = sent(other, clientId);
        String tenantAdmin = keycloak.accessToken(keycloak.createUser("ta-lookup", Set.of("tenant-admin"), own.slug()));

        JsonPath mine =
                lookup(tenantAdmin, clientId).then().statusCode(200).extract().jsonPath();
        assertThat(mine.getString("requestId")).isEqualTo(clientId);
        assertThat(mine.getList("records.requestId", String.class))
                .as("both of the tenant's requests, newest first; not the other tenant's")
                .containsExactlyElementsOf(ownNewestFirst);
        assertThat(mine.getList("records.clientRequestId", String.class)).containsOnly(clientId);
        assertThat(mine.getList("records.tenantId", String.class)).containsOnly(own.id());

        String viewer = keycloak.accessToken(keycloak.createUser("bv-lookup", Set.of("billing-viewer"), own.slug()));
        assertThat(lookup(viewer, clientId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("records.requestId", String.class))
                .containsExactlyElementsOf(ownNewestFirst);

        assertThat(lookup(platform, clientId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("records.requestId", String.class))
                .as("a platform admin searches every tenant")
                .containsExactlyInAnyOrderElementsOf(concat(ownNewestFirst, others));
        assertThat(given().auth()
                        .oauth2(platform)
                        .queryParam("tenantId", other.id())
                        .when()
                        .get(REQUESTS, clientId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("records.requestId", String.class))
                .as("or the one tenant it names")
                .containsExactlyElementsOf(others.reversed());
    }

    @Test
    void unknownRequestIdIsA404NamingIt() {
        String unknown = "req_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        lookup(platform, unknown)
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("status", equalTo(404))
                .body("detail", equalTo("no usage is recorded for request id " + unknown));
    }

    @Test
    void anOverLongOrMalformedRequestIdIsA400NamingTheField() {
        for (String bad : List.of("a".repeat(129), "req_\u0001abc", "two words", "quote\"d")) {
            Response r = lookup(platform, bad);
            assertThat(r.statusCode()).as("%s: %s", bad, r.asString()).isEqualTo(400);
            assertThat(r.contentType()).startsWith(PROBLEM);
            assertThat(r.jsonPath().getString("field")).isEqualTo("requestId");
            assertThat(r.jsonPath().getString("detail"))
                    .as("never echoes the bad id")
                    .doesNotContain(bad);
        }
        assertThat(lookup(platform, "a".repeat(128)).statusCode())
                .as("128 characters is a valid id, merely unknown")
                .isEqualTo(404);
    }

    @Test
    void tenantAdminOfAnotherTenantGetsTheSame404AsForAnUnknownId() {
        Tenant owner = tenant("lookup-owner");
        Tenant stranger = tenant("lookup-stranger");
        String clientId = "private-" + UUID.randomUUID();
        String gatewayId = chat(owner, clientId).header("x-ascendant-request-id");
        String unknown = "req_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        String strangerAdmin =
                keycloak.accessToken(keycloak.createUser("ta-stranger", Set.of("tenant-admin"), stranger.slug()));

        JsonPath notFound = problem(lookup(strangerAdmin, unknown), 404);
        for (String id : List.of(gatewayId, clientId)) {
            JsonPath hidden = problem(lookup(strangerAdmin, id), 404);
            assertThat(hidden.getString("type")).isEqualTo(notFound.getString("type"));
            assertThat(hidden.getString("title")).isEqualTo(notFound.getString("title"));
            assertThat(hidden.getString("detail"))
                    .isEqualTo(notFound.getString("detail").replace(unknown, id));
        }
        assertThat(lookup(platform, gatewayId).statusCode())
                .as("the row exists")
                .isEqualTo(200);
    }

    @Test
    void withoutATokenIsA401() {
        Tenant t = tenant("lookup-anon");
        String gatewayId = chat(t, "anon-" + UUID.randomUUID()).header("x-ascendant-request-id");
        given().when().get(REQUESTS, gatewayId).then().statusCode(401).contentType(PROBLEM);
        assertThat(lookup(platform, gatewayId).statusCode()).isEqualTo(200);
    }

    private Tenant tenant(String label) {
        String slug = uniqueSlug(label);
        String id =
                createTenant(platform, slug, "Tenant " + label, "USD", "UTC").getString("id");
        String project = newProject(platform, id, "app");
        JsonPath key = newKey(platform, id, project, "support");
        return new Tenant(id, slug, project, key.getString("key.id"), key.getString("secret"));
    }

    /**
     * A chat completion through the gateway with the client id {@code clientId}; the answer must be a 200.
     *
     * <p>Dispatch counts a host whose load sample is older than {@code gateway.dispatch.metrics-stale-after} as
     * saturated (429 {@code hosts_saturated}); on a heavily loaded machine the fake host's sample once aged past it.
     * Such a try is sent again once the sample is fresh: this test is about finding usage rows, not about dispatch
     * ({@code UpstreamFaultTest} pins the refusal). Every try is remembered in {@link #sent}.
     */
    private Response chat(Tenant t, String clientId) {
        List<String> ids = sent.computeIfAbsent(t.id() + " " + clientId, k -> new ArrayList<>());
        for (int attempt = 1; ; attempt++) {
            awaitFreshLoadSample();
            RequestSpecification spec = given().header("Authorization", "Bearer " + t.secret())
                    .header("x-request-id", clientId)
                    .contentType("application/json")
                    .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":16,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Where is my order?\"}]}");
            Response r = spec.when().post("/v1/chat/completions");
            assertThat(r.header("x-ascendant-request-id")).matches("req_[0-9a-f]{24}");
            ids.add(r.header("x-ascendant-request-id"));
            if (r.statusCode() == 429
                    && "hosts_saturated".equals(r.jsonPath().getString("error.code"))
                    && attempt < 5) {
                continue;
            }
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
            assertThat(r.header("x-request-id")).isEqualTo(clientId);
            return r;
        }
    }

    /** The gateway ids of every try {@link #chat} made for {@code t} with {@code clientId}, oldest first. */
    private List<String> sent(Tenant t, String clientId) {
        return List.copyOf(sent.getOrDefault(t.id() + " " + clientId, List.of()));
    }

    private void awaitFreshLoadSample() {
        long fresh = Duration.ofMillis(200).toNanos();
        DataPathTestSupport.await(
                "a fresh load sample of the pro host",
                () -> registry.pods("pro").stream().allMatch(p -> p.loadAgeNanos(System.nanoTime()) < fresh));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Response lookup(String token, String id) {
        return given().auth().oauth2(token).when().get(REQUESTS, id);
    }

    private static JsonPath problem(Response r, int status) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith(PROBLEM);
        return r.jsonPath();
    }
}
