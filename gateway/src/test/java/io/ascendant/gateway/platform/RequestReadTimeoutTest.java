package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client may not hold a connection by sending a request slowly (slowloris): a request head that does not arrive
 * within {@code gateway.http.header-read-timeout} ends the connection, a body that pauses for longer than
 * {@code gateway.http.body-read-timeout} is answered 408 in the addressed API's shape with {@code Connection: close}.
 * Neither applies while the gateway waits for or writes an answer: a streamed answer silent for longer than both
 * still arrives; an idle keep-alive connection has its own, longer bound. The read bounds are 1 s in this profile, the
 * keep-alive bound 3 s; the assertions are on what the client reads (an answer, the end
 * of the stream), never on how long it took. Raw sockets: no HTTP client sends half a request.
 */
@QuarkusTest
@TestProfile(RequestReadTimeoutTest.ShortReadTimeouts.class)
class RequestReadTimeoutTest {

    /** Read timeouts of 1 s, a whole body within 3 s. */
    public static class ShortReadTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.http.header-read-timeout", "1s",
                    "gateway.http.body-read-timeout", "1s",
                    "gateway.http.keep-alive-timeout", "3s",
                    "gateway.http.body-read-deadline", "3s");
        }
    }

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "gateway.limits.max-body-bytes")
    long chatLimit;

    @BeforeEach
    void resetHosts() {
        support.reset();
    }

    @AfterEach
    void fastHostsAgain() {
        support.reset();
    }

    /** Sends {@code bytes} and reads until the gateway closes the connection (failing after 30 s without a close). */
    private static String sendAndReadToTheEnd(String bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void closesAConnectionWhoseRequestHeadStopsHalfWay() throws Exception {
        assertThat(sendAndReadToTheEnd("POST /v1/chat/completions HTTP/1.1\r\nHost: local"))
                .isEmpty();
        assertThat(sendAndReadToTheEnd("GET /v1/mod")).isEmpty();
    }

    @Test
    void closesAConnectionThatSendsNothing() throws Exception {
        assertThat(sendAndReadToTheEnd("")).isEmpty();
    }

    @Test
    void closesAConnectionWhoseNextRequestHeadStopsHalfWay() throws Exception {
        String all = sendAndReadToTheEnd("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\nGET /q/hea");
        assertThat(all).startsWith("HTTP/1.1 200");
        assertThat(all.split("HTTP/1.1 ", -1)).as("one answer, then the close").hasSize(2);
    }

    /** Reads one answer with a Content-Length body from a kept-alive connection; returns its head. */
    private static String readOneAnswer(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + head.length() + " bytes of a head: " + head);
            }
            head.append((char) c);
        }
        long length = head.toString()
                .lines()
                .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .mapToLong(l ->
                        Long.parseLong(l.substring("content-length:".length()).trim()))
                .findFirst()
                .orElseThrow(() -> new IOException("no Content-Length in " + head));
        in.readNBytes((int) length);
        return head.toString();
    }

    @Test
    void anIdleKeepAliveConnectionOutlivesTheHeadBoundThenCloses() throws Exception {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            var in = new java.io.BufferedInputStream(s.getInputStream());
            byte[] request =
                    "GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            s.getOutputStream().write(request);
            assertThat(readOneAnswer(in)).startsWith("HTTP/1.1 200");
            Thread.sleep(2_000); // idle past the 1 s head bound, within the 3 s keep-alive bound
            s.getOutputStream().write(request);
            assertThat(readOneAnswer(in))
                    .as("the next request on the idle connection is served")
                    .startsWith("HTTP/1.1 200");
            assertThat(in.read())
                    .as("then, idle again, the connection is closed")
                    .isEqualTo(-1);
        }
    }

    @Test
    void aChatBodyThatStopsArrivingIsA408InOpenAiShape() {
        String key = keys.create(Set.of()).text();
        RawHttp.Answer a = RawHttp.exchange(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"model\":")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(a.status()).isEqualTo(408);
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(a.json().getString("error.code")).isEqualTo("request_timeout");
        assertThat(a.json().getString("error.message")).contains("1000 ms");
    }

    @Test
    void anAnthropicBodyThatStopsArrivingIsA408InAnthropicShape() {
        String key = keys.create(Set.of()).text();
        RawHttp.Answer a = RawHttp.exchange(("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
                        + "x-api-key: " + key + "\r\nanthropic-version: 2023-06-01\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"mod\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(a.status()).isEqualTo(408);
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.json().getString("type")).isEqualTo("error");
        assertThat(a.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(a.json().getString("error.message")).contains("1000 ms");
    }

    @Test
    void anAdminBodyThatStopsArrivingIsA408Problem() {
        RawHttp.Answer a = RawHttp.exchange(("POST /admin/api/v1/tenants HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer " + keycloak.accessToken(keycloak.platformAdmin()) + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(a.status()).isEqualTo(408);
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().getString("type")).isEqualTo("urn:ascendant:problem:request-timeout");
        assertThat(a.json().getInt("status")).isEqualTo(408);
        assertThat(a.json().getString("detail")).contains("1000 ms");
    }

    @Test
    void aRefusedBodyThatNeverComesEndsTheConnectionAfterTheAnswer() {
        // The 413 is given before the body is read; the body never comes: the connection ends after the answer.
        RawHttp.Answer a = RawHttp.exchange(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + (chatLimit + 1) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.json().getString("error.code")).isEqualTo("request_too_large");
    }

    @Test
    void aStreamedAnswerSilentForLongerThanBothBoundsStillArrives() {
        // Three words 1.5 s apart: the answer is silent for longer than either bound, more than once.
        FakeHostsResource.FLASH.forEach(h -> {
            h.answerText = "one two three";
            h.chunkDelayMs = 1_500;
        });
        String body = given().auth()
                .oauth2(keys.create(Set.of()).text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body).contains("\" three\"").endsWith("data: [DONE]\n\n");
    }

    /**
     * A cleartext HTTP/2 connection is not an HTTP/1 request being read: the head bound must not end it. It once did,
     * for both ways of starting HTTP/2 (prior knowledge and {@code Upgrade: h2c}), cutting streamed answers mid-way
     * when the head bound ran out after the connection opened.
     */
    @Test
    void aStreamedAnswerOverHttp2WithPriorKnowledgeOutlivesTheHeadBound() throws Exception {
        assertStreamedAnswerOverHttp2Arrives(false);
    }

    @Test
    void aStreamedAnswerOverHttp2UpgradedFromHttp11OutlivesTheHeadBound() throws Exception {
        assertStreamedAnswerOverHttp2Arrives(true);
    }

    private void assertStreamedAnswerOverHttp2Arrives(boolean upgrade) throws Exception {
        // Three words 1.5 s apart: the answer lasts several head bounds (1 s) past the connection's opening.
        FakeHostsResource.FLASH.forEach(h -> {
            h.answerText = "one two three";
            h.chunkDelayMs = 1_500;
        });
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(upgrade)
                .setDefaultHost("localhost")
                .setDefaultPort(RestAssured.port));
        try {
            String key = keys.create(Set.of()).text();
            if (upgrade) { // the upgrade is made by a first request without a body; the chat follows on HTTP/2
                int live = client.request(HttpMethod.GET, "/q/health/live")
                        .compose(r -> r.send())
                        .map(r -> r.version() == HttpVersion.HTTP_2 ? r.statusCode() : -1)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                assertThat(live).as("answered over HTTP/2 after the upgrade").isEqualTo(200);
            }
            String chat = "{\"model\":\"deepseek-v4-flash\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            record Streamed(HttpVersion version, int status, String body) {}
            Streamed answer = client.request(new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setURI("/v1/chat/completions")
                            .putHeader("content-type", "application/json")
                            .putHeader("authorization", "Bearer " + key))
                    .compose(r -> r.send(chat))
                    .compose(response -> response.body()
                            .map(b -> new Streamed(response.version(), response.statusCode(), b.toString())))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).contains("\" three\"").endsWith("data: [DONE]\n\n");
        } finally {
            client.close();
        }
    }

    /**
     * Sends {@code head}, then one byte of body every 100 ms for up to 30 s while it reads the answer to the end of the
     * stream; returns what was read, whether the body was still being sent when the stream ended, and whether the
     * sending then failed (the gateway closed the connection) before all of it was sent.
     */
    private static Trickled trickleAndReadToTheEnd(String head) throws Exception {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(60_000);
            var out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            AtomicBoolean sendingFailed = new AtomicBoolean();
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        Thread.sleep(100);
                        out.write(' ');
                        out.flush();
                    }
                } catch (IOException e) {
                    sendingFailed.set(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            boolean stillSending = trickle.isAlive();
            trickle.join(60_000);
            return new Trickled(answer, stillSending, sendingFailed.get());
        }
    }

    private record Trickled(String answer, boolean stillSendingAtTheEnd, boolean sendingFailed) {}

    /**
     * The answer says close, the stream ends after it while the client still sends, and the connection is closed
     * before the body is complete: a trickled body that was refused does not hold the connection.
     */
    private static void assertRefusedThenClosedWhileStillSending(Trickled t, int status) {
        assertThat(t.answer()).startsWith("HTTP/1.1 " + status + " ");
        assertThat(t.answer().toLowerCase(java.util.Locale.ROOT)).contains("\r\nconnection: close\r\n");
        assertThat(t.stillSendingAtTheEnd())
                .as("the stream ended while the body still trickled")
                .isTrue();
        assertThat(t.sendingFailed())
                .as("the connection was closed before the body was complete")
                .isTrue();
    }

    @Test
    void aRefusedChunkedBodyStillTricklingDoesNotHoldTheConnection() throws Exception {
        // No credentials: 401 before the body is read; the body (one 1 MiB chunk) trickles a byte at a time.
        Trickled t = trickleAndReadToTheEnd("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n{");
        assertRefusedThenClosedWhileStillSending(t, 401);
    }

    @Test
    void aRefusedLargeBodyStillTricklingDoesNotHoldTheConnection() throws Exception {
        // A 4 MB body without credentials: refused before it is read (413 here, the chat limit being 64 KiB).
        Trickled t = trickleAndReadToTheEnd("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 4000000\r\n\r\n{");
        assertRefusedThenClosedWhileStillSending(t, 413);
    }

    @Test
    void aBodyTricklingPastTheWholeBodyDeadlineIsA408() throws Exception {
        // A byte every 100 ms never pauses for the 1 s bound, but the whole body (under the 64 KiB chat limit) is not
        // there within 3 s.
        String key = keys.create(Set.of()).text();
        Trickled t = trickleAndReadToTheEnd("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 60000\r\n\r\n{");
        assertThat(t.answer()).startsWith("HTTP/1.1 408 ");
        assertThat(t.answer().toLowerCase(java.util.Locale.ROOT)).contains("\r\nconnection: close\r\n");
        assertThat(t.answer()).contains("\"request_timeout\"").contains("3000 ms");
        assertThat(t.stillSendingAtTheEnd())
                .as("answered while the body still trickled")
                .isTrue();
    }
}
