package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.fakehost.FakeModelHost.Behaviour;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pod that stops answering without closing its connections (a paused process, a stalled VM, a network black hole)
 * while requests wait for its first byte: once its health checks fail, those requests fail over to another pod, or
 * end with the 503 when none is left, instead of waiting out the first-byte timeout. Streams already relaying are
 * left alone.
 *
 * <p>The first-byte timeout is 120 s here (the other data-path tests use 3 s), so an answer can only come from the
 * failover, never from the timeout. The fake hosts "pause" by holding the request ({@link Behaviour#HANG}) and
 * failing {@code /health}, as a stopped process's kernel would accept the health check's connection and never answer.
 */
@QuarkusTest
@TestProfile(PodFailoverTest.LongFirstByteTimeout.class)
class PodFailoverTest {

    /** A first-byte timeout far beyond the tests' waits. */
    public static class LongFirstByteTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upstream.first-byte-timeout", "120s");
        }
    }

    /** Bounds a test that would otherwise wait out the first-byte timeout; the tests assert who answered, not when. */
    private static final long ANSWER_GUARD_SECONDS = 60;

    @Inject
    TestKeys keys;

    @Inject
    MeteredEvents metered;

    @Inject
    DataPathTestSupport support;

    @Inject
    DataPathConfig config;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    TestKeys.Key key;
    HttpClient client;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
        // The key's first use looks it up in the database: done here, so that a test's request reaches its pod at once.
        given().auth().oauth2(key.text()).when().get("/v1/models").then().statusCode(200);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThat(config.upstream().firstByteTimeout())
                .as("the profile's first-byte timeout applies")
                .isEqualTo(Duration.ofSeconds(120));
    }

    @AfterEach
    void closeClient() {
        client.shutdownNow();
    }

    @Test
    void retriesOnAnotherPodWhenThePodHoldingTheRequestFailsItsHealthChecks() throws Exception {
        FakeHostsResource.FLASH.forEach(h -> h.defaultBehaviour(Behaviour.HANG));
        String requestId = "failover-" + System.nanoTime();
        CompletableFuture<HttpResponse<String>> answer = postChat("deepseek-v4-flash", false, requestId);
        DataPathTestSupport.await("one pod holds the request", () -> requestsToFlash() == 1);
        FakeModelHost a = FakeHostsResource.FLASH.stream()
                .filter(h -> h.requestCount() == 1)
                .findFirst()
                .orElseThrow();
        FakeHostsResource.FLASH.stream().filter(h -> h != a).forEach(h -> h.defaultBehaviour(Behaviour.NORMAL));
        a.healthy(false); // pod A stops answering its health checks too: the gateway gives it up

        HttpResponse<String> r = answer.get(ANSWER_GUARD_SECONDS, TimeUnit.SECONDS);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body())
                        .getJsonArray("choices")
                        .getJsonObject(0)
                        .getJsonObject("message")
                        .getString("content"))
                .isEqualTo("Hello from the fake host");
        LedgerUsageSink.Metered m = metered.single(requestId);
        assertThat(m.event().status()).isEqualTo(UsageStatus.COMPLETED);
        assertThat(m.event().hostPod()).as("answered by another pod").isNotEqualTo(a.baseUrl());
        FakeModelHost b = FakeHostsResource.FLASH.stream()
                .filter(h -> h.baseUrl().equals(m.event().hostPod()))
                .findFirst()
                .orElseThrow();
        assertThat(b.requestCount()).isEqualTo(1);
        assertThat(requestsToFlash()).as("A once, then B").isEqualTo(2);
        DataPathTestSupport.await("pod A saw its request cancelled", () -> a.clientAborts() == 1);
    }

    @Test
    void answers503AndRecordsUsageOnceWhenTheOnlyPodStopsAnswering() throws Exception {
        FakeModelHost pro = FakeHostsResource.PRO;
        pro.defaultBehaviour(Behaviour.HANG);
        String requestId = "failover-none-" + System.nanoTime();
        CompletableFuture<HttpResponse<String>> answer = postChat("deepseek-v4-pro", false, requestId);
        DataPathTestSupport.await("the pod holds the request", () -> pro.requestCount() == 1);
        pro.healthy(false);

        HttpResponse<String> r = answer.get(ANSWER_GUARD_SECONDS, TimeUnit.SECONDS);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("service_unavailable");
        assertThat(error.getString("code")).isEqualTo("no_ready_host");
        assertThat(error.getString("message")).contains("deepseek-v4-pro");
        LedgerUsageSink.Metered m = metered.single(requestId);
        assertThat(m.event().status()).isEqualTo(UsageStatus.FAILED);
        assertThat(m.event().completionTokens()).isZero();
        DataPathTestSupport.await("the pod saw the request cancelled", () -> pro.clientAborts() == 1);
        assertThat(pro.requestCount()).as("no second attempt on the same pod").isEqualTo(1);
    }

    @Test
    void answersTheAnthropicShapeWhenTheOnlyPodStopsAnsweringAMessagesRequest() throws Exception {
        FakeModelHost pro = FakeHostsResource.PRO;
        pro.defaultBehaviour(Behaviour.HANG);
        String requestId = "failover-messages-" + System.nanoTime();
        String body = "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                        .header("x-api-key", key.text())
                        .header("anthropic-version", AnthropicRequests.VERSION)
                        .header("content-type", "application/json")
                        .header("x-request-id", requestId)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        DataPathTestSupport.await("the pod holds the request", () -> pro.requestCount() == 1);
        pro.healthy(false);

        HttpResponse<String> r = answer.get(ANSWER_GUARD_SECONDS, TimeUnit.SECONDS);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonObject json = new JsonObject(r.body());
        assertThat(json.getString("type")).isEqualTo("error");
        assertThat(json.getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
        assertThat(metered.single(requestId).event().status()).isEqualTo(UsageStatus.FAILED);
    }

    @Test
    void leavesAStreamThatAlreadyRelaysFromAPodThatIsGivenUp() throws Exception {
        FakeModelHost pro = FakeHostsResource.PRO;
        pro.answerText = "word ".repeat(49) + "end";
        pro.chunkDelayMs = 150; // 50 chunks: the stream outlasts the pod's failed health checks by seconds
        String streamId = "failover-stream-" + System.nanoTime();
        HttpResponse<InputStream> stream =
                client.send(chatRequest("deepseek-v4-pro", true, streamId), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        try (InputStream in = stream.body()) {
            byte[] first = in.readNBytes(6);
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("data: ");

            // A second request waits on the same pod for its first byte, then the pod fails its health checks.
            pro.script(Behaviour.HANG);
            String waitingId = "failover-waiting-" + System.nanoTime();
            CompletableFuture<HttpResponse<String>> waiting = postChat("deepseek-v4-pro", false, waitingId);
            DataPathTestSupport.await("the pod holds the second request", () -> pro.requestCount() == 2);
            pro.healthy(false);
            HttpResponse<String> given = waiting.get(ANSWER_GUARD_SECONDS, TimeUnit.SECONDS);
            assertThat(given.statusCode())
                    .as("the waiting request was failed over")
                    .isEqualTo(503);
            assertThat(pro.completedCount())
                    .as("the stream was still relaying when the pod was given up")
                    .isZero();

            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("\"content\":\" end\"").endsWith("data: [DONE]\n\n");
            assertThat(rest).doesNotContain("upstream_stream_failed");
        }
        assertThat(metered.single(streamId).event().status()).isEqualTo(UsageStatus.COMPLETED);
        assertThat(pro.clientAborts())
                .as("only the waiting request was cancelled")
                .isEqualTo(1);
    }

    private int requestsToFlash() {
        return FakeHostsResource.flashRequests();
    }

    private CompletableFuture<HttpResponse<String>> postChat(String model, boolean stream, String requestId) {
        return client.sendAsync(chatRequest(model, stream, requestId), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest chatRequest(String model, boolean stream, String requestId) {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key.text())
                .header("content-type", "application/json")
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
