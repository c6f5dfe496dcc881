package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.dispatch.HostPoller;
import io.ascendant.gateway.dispatch.HostResolver;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.dispatch.PodMetrics;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.fakehost.FakeModelHost.Behaviour;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Host failures: deaths mid-stream, hangs, 503s, breakers, saturation, discovery, client disconnects. */
@QuarkusTest
class UpstreamFaultTest {

    @Inject
    TestKeys keys;

    @Inject
    MeteredEvents metered;

    @Inject
    DataPathTestSupport support;

    @Inject
    PodRegistry registry;

    @Inject
    HostPoller poller;

    @Inject
    PodMetrics podMetrics;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
    }

    private Response post(String body) {
        return given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions");
    }

    @Test
    void endsTheStreamWithAnErrorEventWhenTheHostDiesMidStream() {
        FakeHostsResource.PRO.script(Behaviour.DIE_MID_STREAM);
        Response r = post(chat("deepseek-v4-pro", true));
        r.then().statusCode(200);
        String body = r.asString();
        // The host sent the role chunk and "Hello", then its connection dropped.
        assertThat(body).contains("\"role\":\"assistant\"", "\"content\":\"Hello\"");
        assertThat(body).contains("\"code\":\"upstream_stream_failed\"").endsWith("data: [DONE]\n\n");
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().status()).isEqualTo(UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT);
        assertThat(m.event().countedByGateway()).isTrue();
        assertThat(m.event().completionTokens()).isPositive();
    }

    @Test
    void endsAStalledStreamAfterTheIdleTimeout() {
        FakeHostsResource.PRO.script(Behaviour.STALL_MID_STREAM);
        Response r = post(chat("deepseek-v4-pro", true));
        assertThat(r.asString()).contains("upstream_stream_failed").endsWith("data: [DONE]\n\n");
        assertThat(metered.single(r.header("x-request-id")).event().status())
                .isEqualTo(UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT);
    }

    @Test
    void answers504WhenTheHostHangsBeforeTheFirstByte() {
        FakeHostsResource.PRO.script(Behaviour.HANG);
        Response r = post(chat("deepseek-v4-pro", false));
        r.then().statusCode(504).body("error.code", equalTo("upstream_timeout"));
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().status()).isEqualTo(UsageStatus.FAILED);
        assertThat(m.event().completionTokens()).isZero();
        assertThat(FakeHostsResource.PRO.requestCount()).isEqualTo(1);
    }

    @Test
    void retriesA503OnAnotherPod() {
        FakeModelHost a = FakeHostsResource.FLASH.get(0);
        FakeModelHost b = FakeHostsResource.FLASH.get(1);
        FakeModelHost c = FakeHostsResource.FLASH.get(2);
        a.defaultBehaviour(Behaviour.UNAVAILABLE_503);
        b.defaultBehaviour(Behaviour.UNAVAILABLE_503);
        Response r = post(chat("deepseek-v4-flash", true));
        r.then().statusCode(200);
        assertThat(r.asString()).contains("Hello").endsWith("data: [DONE]\n\n");
        assertThat(c.requestCount()).isEqualTo(1);
        assertThat(a.requestCount()).isLessThanOrEqualTo(1);
        assertThat(b.requestCount()).isLessThanOrEqualTo(1);
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().hostPod()).isEqualTo(c.baseUrl());
        assertThat(m.event().status()).isEqualTo(UsageStatus.COMPLETED);
    }

    @Test
    void saysTheConnectionClosedNotUnreachableWhenTheHostDropsItAfterTakingTheRequest() {
        FakeModelHost pro = FakeHostsResource.PRO;
        pro.defaultBehaviour(Behaviour.DROP_CONNECTION);
        post(chat("deepseek-v4-pro", false))
                .then()
                .statusCode(502)
                .body("error.code", equalTo("upstream_connection_closed"))
                .body(
                        "error.message",
                        equalTo("The model host for model `deepseek-v4-pro` closed the connection before its answer"
                                + " was complete."));
        assertThat(pro.requestCount()).as("the host had the request").isPositive();
    }

    @Test
    void answers503WhenEveryPodAnswers503() {
        FakeHostsResource.PRO.defaultBehaviour(Behaviour.UNAVAILABLE_503);
        post(chat("deepseek-v4-pro", false)).then().statusCode(503).body("error.type", equalTo("service_unavailable"));
    }

    @Test
    void opensTheBreakerOnRepeatedFailuresAndClosesItAfterATrialCall() {
        FakeModelHost pro = FakeHostsResource.PRO;
        pro.defaultBehaviour(Behaviour.ERROR_500);
        for (int i = 0; i < 4; i++) {
            post(chat("deepseek-v4-pro", false)).then().statusCode(502).body("error.code", equalTo("upstream_error"));
        }
        int seen = pro.requestCount();
        post(chat("deepseek-v4-pro", false))
                .then()
                .statusCode(503)
                .body("error.message", containsString("No ready host"));
        assertThat(pro.requestCount())
                .as("open breaker keeps requests off the pod")
                .isEqualTo(seen);
        // The breaker's own timer moves it to half-open when its delay (1 s in tests) is over, with or without a
        // request: a slow run scrapes after that. The gauge shows the state the breaker held across the scrape.
        Pod proPod = registry.pods("pro").get(0);
        CircuitBreakerState before;
        CircuitBreakerState after;
        double gauge;
        do {
            before = proPod.circuit();
            gauge = podGauge("gateway_pod_circuit_state", pro.baseUrl());
            after = proPod.circuit();
        } while (before != after); // at most once more: only the delay moves it on, and only to half-open
        assertThat(before).as("the breaker opened").isIn(CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN);
        assertThat(gauge)
                .as("the breaker's state (%s) shows on /q/metrics", before)
                .isEqualTo(before == CircuitBreakerState.OPEN ? 2.0 : 1.0);
        DataPathTestSupport.await(
                "breaker half-open after its delay", () -> proPod.circuit() == CircuitBreakerState.HALF_OPEN);
        assertThat(podGauge("gateway_pod_circuit_state", pro.baseUrl()))
                .as("the half-open breaker shows on /q/metrics")
                .isEqualTo(1.0);

        pro.defaultBehaviour(Behaviour.NORMAL);
        DataPathTestSupport.await(
                "breaker delay over", () -> post(chat("deepseek-v4-pro", false)).statusCode() == 200);
        post(chat("deepseek-v4-pro", false)).then().statusCode(200);
        assertThat(podGauge("gateway_pod_circuit_state", pro.baseUrl())).isEqualTo(0.0);
        assertThat(podGauge("gateway_pod_ready", pro.baseUrl())).isEqualTo(1.0);
    }

    /** The value of a per-pod gauge on /q/metrics after a refresh (fails when the pod's line is missing). */
    private double podGauge(String name, String podUrl) {
        podMetrics.refresh();
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("pod=\"" + podUrl + "\""))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " line for " + podUrl + " in /q/metrics"));
    }

    @Test
    void answers429WithRetryAfterWhenAllPodsAreSaturated() {
        FakeHostsResource.PRO.load(4, 50, 0.5);
        DataPathTestSupport.await(
                "load sample seen", () -> registry.pods("pro").get(0).load().waiting() == 50);
        post(chat("deepseek-v4-pro", false))
                .then()
                .statusCode(429)
                .header("retry-after", "1")
                .body("error.code", equalTo("hosts_saturated"));
        assertThat(FakeHostsResource.PRO.requestCount()).isZero();
    }

    @Test
    void treatsStaleLoadDataAsSaturation() {
        FakeHostsResource.PRO.metricsEnabled(false);
        DataPathTestSupport.await(
                "load sample stale",
                () -> registry.pods("pro").get(0).loadAgeNanos(System.nanoTime()) > 1_000_000_000L);
        post(chat("deepseek-v4-pro", false)).then().statusCode(429);
    }

    @Test
    void answers503WhenNoPodIsReady() {
        post(chat("deepseek-v4-dead", false))
                .then()
                .statusCode(503)
                .body("error.code", equalTo("no_ready_host"))
                .body("error.message", containsString("deepseek-v4-dead"));
    }

    @Test
    void stopsRoutingToAnUnhealthyPod() {
        FakeModelHost a = FakeHostsResource.FLASH.get(0);
        a.healthy(false);
        DataPathTestSupport.await(
                "pod a unhealthy",
                () -> registry.pods("flash").stream()
                        .filter(p -> p.baseUrl().equals(a.baseUrl()))
                        .noneMatch(p -> p.ready(2)));
        for (int i = 0; i < 6; i++) {
            post(chat("deepseek-v4-flash", false)).then().statusCode(200);
        }
        assertThat(a.requestCount()).isZero();
    }

    @Test
    void addsAndRemovesPodsFoundThroughDns() {
        AtomicReference<List<String>> answer = new AtomicReference<>(List.of());
        QuarkusMock.installMockForType(
                new HostResolver() {
                    @Override
                    public List<String> resolve(String host) {
                        return host.equals("fake-pods.test") ? answer.get() : List.of();
                    }
                },
                HostResolver.class);
        registry.discoverNow();
        post(chat("deepseek-v4-discovered", false)).then().statusCode(503);

        answer.set(List.of("127.0.0.1"));
        registry.discoverNow();
        assertThat(registry.pods("discovered")).hasSize(1);
        poller.pollHealthNow();
        DataPathTestSupport.await(
                "discovered pod ready",
                () -> registry.pods("discovered").get(0).ready(2)
                        && registry.pods("discovered").get(0).loadAgeNanos(System.nanoTime()) < 500_000_000L);
        post(chat("deepseek-v4-discovered", false)).then().statusCode(200);
        assertThat(FakeHostsResource.DISCOVERED.requestCount()).isEqualTo(1);

        answer.set(List.of());
        registry.discoverNow();
        assertThat(registry.pods("discovered")).isEmpty();
        post(chat("deepseek-v4-discovered", false)).then().statusCode(503);
    }

    @Test
    void cancelsTheHostRequestWhenTheClientOfANonStreamedRequestDisconnects() throws Exception {
        FakeModelHost pro = FakeHostsResource.PRO;
        // The host works on it and has sent nothing yet. Note: the test profile's 3 s first-byte timeout would end
        // the attempt too; the abort on client disconnect itself was checked against the real model host (where
        // the host's own log shows finish_reason=abort client_gone=true about 1 s in, with a 300 s timeout).
        pro.defaultBehaviour(Behaviour.HANG);
        String requestId = "disconnect-unary-" + System.nanoTime();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            byte[] body = chat("deepseek-v4-pro", false).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + key.text() + "\r\nContent-Type: application/json\r\nx-request-id: " + requestId
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            DataPathTestSupport.await("host got the request", () -> pro.requestCount() == 1);
        } // the client leaves before any answer
        DataPathTestSupport.await("host saw the abort", () -> pro.clientAborts() == 1);
        LedgerUsageSink.Metered m = metered.single(requestId);
        assertThat(m.event().status()).isEqualTo(UsageStatus.CANCELLED);
        DataPathTestSupport.await(
                "the pod's in-flight accounting is released",
                () -> registry.all().stream().allMatch(p -> p.inFlightRequests() == 0 && p.inFlightTokens() == 0));
        assertThat(pro.requestCount())
                .as("a cancelled request is not retried on another pod")
                .isEqualTo(1);
    }

    @Test
    void cancelsTheHostRequestWhenTheClientDisconnects() throws Exception {
        FakeModelHost pro = FakeHostsResource.PRO;
        pro.answerText = "one two three four five six seven eight nine ten eleven twelve";
        pro.chunkDelayMs = 200;
        HttpClient client = HttpClient.newBuilder().build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key.text())
                .header("content-type", "application/json")
                .header("x-request-id", "disconnect-test-" + System.nanoTime())
                .POST(HttpRequest.BodyPublishers.ofString(chat("deepseek-v4-pro", true)))
                .build();
        HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        String requestId = resp.headers().firstValue("x-request-id").orElseThrow();
        try (InputStream in = resp.body()) {
            in.readNBytes(64); // the first chunk arrived
        }
        client.shutdownNow();
        DataPathTestSupport.await("host saw the abort", () -> pro.clientAborts() == 1);
        LedgerUsageSink.Metered m = metered.single(requestId);
        assertThat(m.event().status()).isEqualTo(UsageStatus.CANCELLED);
    }
}
