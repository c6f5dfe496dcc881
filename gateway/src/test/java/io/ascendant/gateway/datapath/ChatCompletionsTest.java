package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ChatCompletionsTest {

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

    private static String chat(String model, boolean stream) {
        return new JsonObject()
                .put("model", model)
                .put("stream", stream)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
    }

    @Test
    void answersNonStreamedChatWithUsageAndRecordsItOnce() {
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat("deepseek-v4-flash", false))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-request-id", matchesPattern("req_[0-9a-f]{24}"))
                .body("model", equalTo("deepseek-v4-flash"))
                .body("choices[0].message.content", equalTo("Hello from the fake host"))
                .body("usage.completion_tokens", equalTo(5))
                .body("usage.prompt_cache_hit_tokens", equalTo(0))
                .body("usage.prompt_cache_miss_tokens", notNullValue())
                .body("usage.prompt_tokens_details.cached_tokens", equalTo(0))
                .extract()
                .response();
        String requestId = r.header("x-request-id");
        LedgerUsageSink.Metered m = metered.single(requestId);
        assertThat(m.event().status()).isEqualTo(UsageStatus.COMPLETED);
        assertThat(m.event().tenantId()).isEqualTo(key.tenantId());
        assertThat(m.event().keyId()).isEqualTo(key.keyId());
        assertThat(m.event().completionTokens()).isEqualTo(5);
        assertThat(m.event().promptTokens()).isEqualTo(r.jsonPath().getLong("usage.prompt_tokens"));
        assertThat(m.event().countedByGateway()).isFalse();
        assertThat(m.event().hostPod()).startsWith("http://127.0.0.1:");
    }

    @Test
    void keepsTheClientsRequestIdAndPropagatesItToTheHost() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .header("x-request-id", "client-chosen-id-42")
                .body(chat("deepseek-v4-pro", false))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-request-id", "client-chosen-id-42");
        assertThat(FakeHostsResource.PRO.receivedRequestIds()).containsExactly("client-chosen-id-42");
        assertThat(FakeHostsResource.PRO.received().get(0).getString("model")).isEqualTo("deepseek-v4-pro");
        metered.single("client-chosen-id-42");
    }

    @Test
    void resolvesAnAliasToItsRoute() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat("flash-latest", false))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("model", equalTo("flash-latest"));
        long hostsCalled = FakeHostsResource.flashRequests();
        assertThat(hostsCalled).isEqualTo(1);
        assertThat(FakeHostsResource.FLASH.stream()
                        .flatMap(h -> h.received().stream())
                        .map(j -> j.getString("model")))
                .containsExactly("deepseek-v4-flash");
    }

    @Test
    void streamsChunksAndRemovesTheUsageChunkTheClientDidNotAskFor() {
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat("deepseek-v4-pro", true))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .contentType(containsString("text/event-stream"))
                .extract()
                .response();
        String body = r.asString();
        assertThat(body)
                .contains("\"content\":\"Hello\"", "\"content\":\" host\"")
                .endsWith("data: [DONE]\n\n");
        assertThat(body).doesNotContain("\"usage\"");
        assertThat(body).contains("\"model\":\"deepseek-v4-pro\"");
        JsonObject sent = FakeHostsResource.PRO.received().get(0);
        assertThat(sent.getJsonObject("stream_options").getBoolean("include_usage"))
                .isTrue();
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().status()).isEqualTo(UsageStatus.COMPLETED);
        assertThat(m.event().completionTokens()).isEqualTo(5);
        assertThat(m.event().countedByGateway()).isFalse();
    }

    @Test
    void streamsTheUsageChunkWhenTheClientAsks() {
        JsonObject req = new JsonObject(chat("deepseek-v4-pro", true))
                .put("stream_options", new JsonObject().put("include_usage", true));
        String body = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(req.encode())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body).contains("\"choices\":[],\"usage\":{\"prompt_tokens\"");
        assertThat(body).contains("\"prompt_cache_hit_tokens\":0", "\"completion_tokens\":5");
    }

    @Test
    void givesReasoningAsReasoningContentWhateverTheHostCallsIt() {
        FakeHostsResource.PRO.reasoningFieldName = "reasoning";
        JsonObject req = new JsonObject(chat("deepseek-v4-pro", false))
                .put("thinking", new JsonObject().put("type", "enabled"))
                .put("reasoning_effort", "high");
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(req.encode())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("choices[0].message.reasoning_content", equalTo("Let me think"))
                .body("usage.completion_tokens_details.reasoning_tokens", equalTo(3))
                .extract()
                .response();
        assertThat(r.jsonPath().getString("choices[0].message.reasoning")).isNull();
        JsonObject sent = FakeHostsResource.PRO.received().get(0);
        assertThat(sent.getJsonObject("thinking").getString("type")).isEqualTo("enabled");
        assertThat(sent.getString("reasoning_effort")).isEqualTo("high");
        assertThat(metered.single(r.header("x-request-id")).event().reasoningTokens())
                .isEqualTo(3);

        String stream = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(req.put("stream", true).encode())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(stream).contains("\"reasoning_content\":\"Let \"").doesNotContain("\"reasoning\":");
    }

    @Test
    void servesLegacyCompletionsStreamedAndNot() {
        String body = new JsonObject()
                .put("model", "deepseek-v4-pro")
                .put("prompt", "Once upon a time")
                .put("max_tokens", 16)
                .encode();
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .body("choices[0].text", equalTo("Hello from the fake host"))
                .body("model", equalTo("deepseek-v4-pro"))
                .body("usage.completion_tokens", equalTo(5));
        String stream = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(new JsonObject(body).put("stream", true).encode())
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(stream).contains("\"text\":\" fake\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void countsTokensItselfWhenTheHostOmitsUsage() {
        FakeHostsResource.PRO.defaultBehaviour(FakeModelHost.Behaviour.OMIT_USAGE);
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat("deepseek-v4-pro", false))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .response();
        long completion = r.jsonPath().getLong("usage.completion_tokens");
        assertThat(completion).isPositive();
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().countedByGateway()).isTrue();
        assertThat(m.event().completionTokens()).isEqualTo(completion);
        assertThat(m.event().promptTokens()).isPositive();
    }

    @Test
    void countsThePromptWithTheChatTemplateWhenTheHostOmitsUsage() throws Exception {
        FakeHostsResource.PRO.defaultBehaviour(FakeModelHost.Behaviour.OMIT_USAGE);
        String messages = "[{\"role\":\"system\",\"content\":\"You answer briefly.\"},"
                + "{\"role\":\"user\",\"content\":\"What is the weather in Hangzhou?\"}]";
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        Response r = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"thinking\":{\"type\":\"enabled\"},\"messages\":" + messages
                        + ",\"tools\":" + tools + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .response();

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> toolList = new java.util.ArrayList<>();
        json.readTree(tools).forEach(toolList::add);
        int hostIds = ChatEncoder.deepSeekV4()
                .encode(ChatMessage.listFromJson(json.readTree(messages)), toolList, ChatOptions.thinkingMode())
                .length;
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().countedByGateway()).isTrue();
        assertThat(m.event().promptTokens()).isEqualTo(hostIds);
        assertThat(r.jsonPath().getLong("usage.prompt_tokens")).isEqualTo(hostIds);
    }

    @Test
    void listsOnlyTheModelsTheKeyMayUse() {
        TestKeys.Key limited = keys.create(Set.of("deepseek-v4-pro"));
        given().auth()
                .oauth2(limited.text())
                .when()
                .get("/v1/models")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", equalTo(List.of("deepseek-v4-pro")));
        List<String> all = given().auth()
                .oauth2(key.text())
                .when()
                .get("/v1/models")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("data.id");
        assertThat(all).contains("deepseek-v4-flash", "deepseek-v4-pro");
    }
}
