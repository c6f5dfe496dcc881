package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies over {@code gateway.limits.worker-parse-over-bytes} (16 KiB in the test profile, 64 KiB by default) are
 * parsed, translated and counted on a worker thread instead of the event loop (a few MiB of tiny messages held the
 * loop for half a second): the answers, the host request and the errors are those of small bodies.
 */
@QuarkusTest
class LargeBodyTest {
    /** About 40 KiB of JSON: over the test profile's worker-parse threshold (16 KiB), under its body limit. */
    private static final int MESSAGES = 1_000;

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    /** {@code n} alternating user/assistant messages, each about 40 bytes of JSON. */
    private static String messages(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"role\":\"")
                    .append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"m")
                    .append(i)
                    .append("\"}");
        }
        return b.append(']').toString();
    }

    @Test
    void aLargeChatBodyReachesTheHostWhole() {
        String body = "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":" + messages(MESSAGES) + "}";
        assertThat(body.length()).isBetween(16 * 1024, 64 * 1024);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("usage.prompt_tokens", greaterThan(MESSAGES));
        var sent = FakeHostsResource.PRO.received().get(0).getJsonArray("messages");
        assertThat(sent.size()).isEqualTo(MESSAGES);
        assertThat(sent.getJsonObject(MESSAGES - 1).getString("content")).isEqualTo("m" + (MESSAGES - 1));
    }

    @Test
    void aLargeAnthropicBodyIsTranslatedAndCounted() {
        String body = "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":" + messages(MESSAGES + 1) + "}";
        AnthropicRequests.as(key)
                .body(body)
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .body("type", equalTo("message"))
                .body("usage.input_tokens", greaterThan(MESSAGES));
        assertThat(FakeHostsResource.PRO.received().get(0).getJsonArray("messages"))
                .hasSize(MESSAGES + 1);
    }

    @Test
    void aLargeBrokenBodyIsA400SayingWhereItBroke() {
        String body = "{\"model\":\"deepseek-v4-pro\",\"messages\":" + messages(MESSAGES) + ",}";
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("column"));
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void aLargeBodyForAnUnknownModelIsA404() {
        String body = "{\"model\":\"no-such-model\",\"messages\":" + messages(MESSAGES) + "}";
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"));
    }
}
