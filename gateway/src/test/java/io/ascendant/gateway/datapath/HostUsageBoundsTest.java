package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a host is asked to generate and what its answer is billed at: a legacy completion without {@code max_tokens}
 * goes out with OpenAI's and vLLM's default of 16, and a host that reports more output than it was allowed is billed
 * at the allowed output (marked as counted by the gateway), while the client still sees the host's usage.
 */
@QuarkusTest
class HostUsageBoundsTest {
    /** The fake host reports one completion token per word of its answer: 40 here. */
    private static final String FORTY_WORDS = String.join(" ", Collections.nCopies(40, "word"));

    @Inject
    TestKeys keys;

    @Inject
    MeteredEvents metered;

    @Inject
    DataPathTestSupport support;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    private static String chat(boolean stream, int maxTokens) {
        return new JsonObject()
                .put("model", "deepseek-v4-pro")
                .put("stream", stream)
                .put("max_tokens", maxTokens)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
    }

    @Test
    void sendsLegacyCompletionWithoutMaxTokensWithTheDefaultOf16() {
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(new JsonObject()
                        .put("model", "deepseek-v4-pro")
                        .put("prompt", "a")
                        .encode())
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .extract()
                .response();
        List<JsonObject> sent = FakeHostsResource.PRO.received();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getLong("max_tokens")).isEqualTo(16L);
        assertThat(metered.single(r.header("x-request-id")).event().countedByGateway())
                .isFalse();
    }

    @Test
    void billsNonStreamedOverReportedCompletionAtTheMaxTokensSent() {
        FakeHostsResource.PRO.answerText = FORTY_WORDS;
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(false, 10))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("usage.completion_tokens", equalTo(40)) // the client sees what the host said
                .extract()
                .response();
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().completionTokens()).isEqualTo(10);
        assertThat(m.event().promptTokens()).isEqualTo(r.jsonPath().getLong("usage.prompt_tokens"));
        assertThat(m.event().countedByGateway()).isTrue();
    }

    @Test
    void billsStreamedOverReportedCompletionAtTheMaxTokensSent() {
        FakeHostsResource.PRO.answerText = FORTY_WORDS;
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(new JsonObject(chat(true, 10))
                        .put("stream_options", new JsonObject().put("include_usage", true))
                        .encode())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .response();
        assertThat(r.asString()).contains("\"completion_tokens\":40");
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().completionTokens()).isEqualTo(10);
        assertThat(m.event().countedByGateway()).isTrue();
    }

    @Test
    void billsAnAnswerWithinTheLimitAsTheHostReportedIt() {
        FakeHostsResource.PRO.answerText = FORTY_WORDS;
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(false, 40))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .response();
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().completionTokens()).isEqualTo(40);
        assertThat(m.event().countedByGateway()).isFalse();
    }
}
