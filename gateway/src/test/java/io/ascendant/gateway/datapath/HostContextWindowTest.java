package io.ascendant.gateway.datapath;

import static io.ascendant.gateway.testsupport.CatalogueFixtures.deleteModelIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.deletePoolIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.drainEndpoint;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putModel;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putPool;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.registerEndpoint;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.dispatch.HostPoller;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TenantChats;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A route's context window follows what its pods serve: each pod's {@code max_model_len} from its own
 * {@code GET /v1/models} (vLLM's {@code --max-model-len}) caps the route's configured {@code contextLength} (1048576
 * when the admin gave none), in the gateway's {@code /v1/models}, in the gateway's own 400 before any dispatch, and in
 * what a host's answer is billed at. A route created without {@code contextLength} in front of a host serving 4096
 * tokens used to advertise 1048576 and pass on requests the host refused itself. The test's pool has hosts of its own,
 * so that their windows never reach another test's routes.
 */
@QuarkusTest
class HostContextWindowTest {
    private static final String POOL = "ctx-window-pool";
    private static final String MODEL = "deepseek-v4-ctx-window";
    /** A priced tier (seeded), so the route needs no price of its own. */
    private static final String TIER = "deepseek-v4-pro";

    private static final long DEFAULT_CONTEXT = 1_048_576;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final FakeModelHost HOST_A = new FakeModelHost("ctx-window-a");
    private static final FakeModelHost HOST_B = new FakeModelHost("ctx-window-b");

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    TestKeys keys;

    @Inject
    MeteredEvents metered;

    @Inject
    TokenCounter tokens;

    @Inject
    PodRegistry registry;

    @Inject
    HostPoller poller;

    TestKeys.Key key;

    @BeforeAll
    static void startHosts() {
        HOST_A.start(0);
        HOST_B.start(0);
    }

    @AfterAll
    static void stopHosts() {
        HOST_A.close();
        HOST_B.close();
    }

    @BeforeEach
    void setUp() {
        HOST_A.reset();
        HOST_B.reset();
        cleanUp();
        putPool(admin(), POOL);
        key = keys.create(Set.of());
    }

    @AfterEach
    void cleanUp() {
        deleteModelIfStored(admin(), MODEL);
        deletePoolIfStored(admin(), POOL);
    }

    private String admin() {
        return keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void routeWithoutContextLengthAdvertisesAndEnforcesTheWindowItsHostServes() {
        HOST_A.maxModelLen = 4096;
        register(HOST_A);
        route(null);
        awaitReadyPods(1);

        assertAdvertised(4096);
        given().auth()
                .oauth2(admin())
                .when()
                .get(AdminFixtures.API + "/models/" + MODEL)
                .then()
                .statusCode(200)
                .body("contextLength", equalTo((int) DEFAULT_CONTEXT))
                .body("hostMaxModelLen", equalTo(4096))
                .body("effectiveContextLength", equalTo(4096));
        given().auth()
                .oauth2(admin())
                .when()
                .get(AdminFixtures.API + "/pools/" + POOL)
                .then()
                .statusCode(200)
                .body("endpoints[0].maxModelLen", equalTo(4096));

        assertRefusedOverWindow(4096);
        assertThat(HOST_A.requestCount())
                .as("the refused request reached no host")
                .isZero();
        chat(100).then().statusCode(200);
        assertThat(HOST_A.requestCount()).isEqualTo(1);
    }

    @Test
    void billsAnAnswerWithoutOutputLimitAtMostTheRoomTheWindowTheHostServesLeaves() throws Exception {
        HOST_A.maxModelLen = 4096;
        HOST_A.answerText = String.join(" ", Collections.nCopies(4200, "word")); // reported as 4200 output tokens
        register(HOST_A);
        route(null);
        awaitReadyPods(1);

        Response r = chat(-1).then()
                .statusCode(200)
                .body("usage.completion_tokens", equalTo(4200))
                .extract()
                .response();
        // The default output budget (4096) capped to what the host's window leaves after the prompt, sent as
        // max_tokens; an answer over it is billed at it.
        ObjectNode body = (ObjectNode) JSON.readTree(TenantChats.body(MODEL, -1));
        long prompt = tokens.countPrompt(body, "Say hello");
        long sent = HOST_A.received().getLast().getLong("max_tokens");
        assertThat(sent).isEqualTo(4096 - prompt);
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().completionTokens()).isEqualTo(sent);
        assertThat(m.event().countedByGateway()).isTrue();
    }

    @Test
    void explicitContextLengthBelowTheHostsWindowWinsAndAboveItIsCapped() {
        HOST_A.maxModelLen = 4096;
        register(HOST_A);
        route(2048);
        awaitReadyPods(1);
        assertAdvertised(2048);
        assertRefusedOverWindow(2048);

        route(8192);
        DataPathTestSupport.await("the route with contextLength 8192", () -> routeContextLength() == 8192);
        assertAdvertised(4096);
        assertRefusedOverWindow(4096);
        assertThat(HOST_A.requestCount()).isZero();
    }

    @Test
    void twoPodsWithDifferentWindowsGiveTheSmallerUntilItDrains() {
        HOST_A.maxModelLen = 4096;
        HOST_B.maxModelLen = 3000;
        register(HOST_A);
        String b = register(HOST_B);
        route(null);
        awaitReadyPods(2);
        assertAdvertised(3000);
        assertRefusedOverWindow(3000);
        assertThat(HOST_A.requestCount() + HOST_B.requestCount()).isZero();

        // A draining pod takes no new requests, so its window no longer limits them.
        drainEndpoint(admin(), POOL, b, true);
        DataPathTestSupport.await(
                "pod b draining",
                () -> registry.pods(POOL).stream().anyMatch(p -> p.baseUrl().equals(HOST_B.baseUrl()) && p.draining()));
        assertAdvertised(4096);
    }

    @Test
    void hostThatReportsNoWindowLeavesTheConfiguredOne() {
        register(HOST_A); // its /v1/models has no max_model_len
        route(null);
        awaitReadyPods(1);
        assertAdvertised(DEFAULT_CONTEXT);
        given().auth()
                .oauth2(admin())
                .when()
                .get(AdminFixtures.API + "/models/" + MODEL)
                .then()
                .statusCode(200)
                .body("hostMaxModelLen", nullValue())
                .body("effectiveContextLength", equalTo((int) DEFAULT_CONTEXT));
        chat(8000).then().statusCode(200);

        route(8192);
        DataPathTestSupport.await("the route with contextLength 8192", () -> routeContextLength() == 8192);
        assertAdvertised(8192);
        assertRefusedOverWindow(8192);
    }

    @Test
    void followsAHostWhoseWindowChanges() {
        HOST_A.maxModelLen = 4096;
        register(HOST_A);
        route(null);
        awaitReadyPods(1);
        assertAdvertised(4096);

        HOST_A.maxModelLen = 2048; // restarted with a smaller --max-model-len
        int before = HOST_A.modelCardRequests();
        poller.pollModelCardsNow();
        DataPathTestSupport.await(
                () -> "the pod's new window: pod " + registry.pods(POOL) + " window " + podWindow() + ", reads "
                        + before + " -> " + HOST_A.modelCardRequests(),
                () -> podWindow().equals(OptionalLong.of(2048)));
        assertAdvertised(2048);

        HOST_A.maxModelLen = 0; // a card without a window imposes nothing
        poller.pollModelCardsNow();
        DataPathTestSupport.await("the pod without a window", () -> podWindow().isEmpty());
        assertAdvertised(DEFAULT_CONTEXT);
    }

    /**
     * A read that gets no answer saying the window (a timeout on a loaded machine, a 503 while the host restarts) is
     * made again at the pod's next good health check. It used to wait for the periodic read 30 s later, and the pod
     * kept a window the host no longer served; {@link #followsAHostWhoseWindowChanges} depended on its one read after
     * the change, which times out now and then on two busy cores (reads have 1 s).
     */
    @Test
    void aReadWithoutAnAnswerIsMadeAgainAtTheNextHealthCheck() {
        HOST_A.maxModelLen = 4096;
        register(HOST_A);
        route(null);
        awaitReadyPods(1);

        HOST_A.maxModelLen = 2048; // restarted with a smaller --max-model-len, its card not served yet
        HOST_A.modelCardStatus = 503;
        int before = HOST_A.modelCardRequests();
        poller.pollModelCardsNow();
        DataPathTestSupport.await("the unanswered read reaching the host", () -> HOST_A.modelCardRequests() > before);
        assertThat(podWindow()).as("no answer keeps the last window").isEqualTo(OptionalLong.of(4096));

        HOST_A.modelCardStatus = 200;
        DataPathTestSupport.await("the pod's new window", () -> podWindow().equals(OptionalLong.of(2048)));
        assertAdvertised(2048);
    }

    /**
     * A read asked for while another is in flight is not lost: the read in flight may have been answered before the
     * host restarted with another window, so the pod is read once more when it ends (the next periodic read is 30 s
     * away). It used to be dropped, and the pod kept its old window.
     */
    @Test
    void aReadAskedForWhileOneIsInFlightIsMadeAfterIt() {
        HOST_A.maxModelLen = 4096;
        register(HOST_A);
        route(null);
        awaitReadyPods(1);

        HOST_A.modelCardDelayMs = 1500;
        int before = HOST_A.modelCardRequests();
        poller.pollModelCardsNow(); // in flight: the host has built its card with 4096 and answers in 1.5 s
        DataPathTestSupport.await("the slow read reaching the host", () -> HOST_A.modelCardRequests() > before);
        HOST_A.modelCardDelayMs = 0;
        HOST_A.maxModelLen = 2048;
        poller.pollModelCardsNow(); // asked for while the slow read is in flight
        DataPathTestSupport.await("the pod's new window", () -> podWindow().equals(OptionalLong.of(2048)));
        assertAdvertised(2048);
    }

    @Test
    void readsTheWindowAgainWhenAPodComesBackAfterFailedHealthChecks() {
        HOST_A.maxModelLen = 4096;
        register(HOST_A);
        route(null);
        awaitReadyPods(1);
        assertAdvertised(4096);

        int port = HOST_A.port();
        HOST_A.stop();
        DataPathTestSupport.await(
                "pod a out of rotation", () -> !registry.pods(POOL).getFirst().ready(2));
        HOST_A.maxModelLen = 2048; // restarted with a smaller --max-model-len, well before the next periodic read
        HOST_A.start(port);
        DataPathTestSupport.await(
                "pod a back with its new window",
                () -> registry.pods(POOL).getFirst().ready(2) && podWindow().equals(OptionalLong.of(2048)));
        assertAdvertised(2048);
    }

    private String register(FakeModelHost host) {
        return registerEndpoint(admin(), POOL, host.baseUrl());
    }

    /** Routes the test's model to its pool at the {@link #TIER} price, with {@code contextLength} unless null. */
    private void route(Integer contextLength) {
        JsonObject body = new JsonObject().put("pool", POOL).put("priceTier", TIER);
        if (contextLength != null) {
            body.put("contextLength", contextLength);
        }
        putModel(admin(), MODEL, body.encode()).statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    private int routeContextLength() {
        return given().auth()
                .oauth2(admin())
                .when()
                .get(AdminFixtures.API + "/models/" + MODEL)
                .then()
                .extract()
                .path("contextLength");
    }

    private OptionalLong podWindow() {
        return registry.pods(POOL).getFirst().maxModelLen();
    }

    /** Waits until the pool has {@code n} pods, all ready (which they become once their model card was read). */
    private void awaitReadyPods(int n) {
        poller.pollHealthNow();
        DataPathTestSupport.await(() -> n + " ready pods in " + POOL + ": " + registry.pods(POOL), () -> {
            List<Pod> pods = registry.pods(POOL);
            return pods.size() == n && pods.stream().allMatch(p -> p.ready(2));
        });
        DataPathTestSupport.await(
                "route " + MODEL + " in the catalogue",
                () -> given().auth()
                                .oauth2(key.text())
                                .when()
                                .get("/v1/models/" + MODEL)
                                .statusCode()
                        == 200);
    }

    /** {@code GET /v1/models} and {@code GET /v1/models/{id}} say {@code max_model_len} = {@code window}. */
    private void assertAdvertised(long window) {
        given().auth()
                .oauth2(key.text())
                .when()
                .get("/v1/models/" + MODEL)
                .then()
                .statusCode(200)
                .body("max_model_len", equalTo((int) window));
        given().auth()
                .oauth2(key.text())
                .when()
                .get("/v1/models")
                .then()
                .statusCode(200)
                .body("data.find { it.id == '" + MODEL + "' }.max_model_len", equalTo((int) window));
    }

    /** A chat asking for {@code window} output tokens (the prompt comes on top) is the gateway's 400 naming it. */
    private void assertRefusedOverWindow(long window) {
        chat(window)
                .then()
                .statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.message", startsWith("This model's maximum context length is " + window + " tokens."));
    }

    /** A short chat to the test's model; no {@code max_tokens} when {@code maxTokens < 0}. */
    private Response chat(long maxTokens) {
        return TenantChats.post(key.text(), MODEL, maxTokens);
    }
}
