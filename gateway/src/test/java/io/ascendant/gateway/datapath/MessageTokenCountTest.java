package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's {@code POST /v1/messages/count_tokens}: the count is the V4 chat encoding of exactly the request the
 * gateway sends a host for the same body (the oracle encodes what the fake host received for {@code /v1/messages}),
 * nothing reaches a host, and the request is validated and authorised like {@code /v1/messages}.
 */
@QuarkusTest
class MessageTokenCountTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String COUNT = "/v1/messages/count_tokens";

    @Inject
    TestKeys keys;

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    /** Tokens of the host request {@code sent} as a V4 host encodes it (tools unless tool_choice none, thinking). */
    static long hostPromptTokens(JsonObject sent) throws Exception {
        JsonNode body = MAPPER.readTree(sent.encode());
        List<JsonNode> tools = new ArrayList<>();
        if (!"none".equals(body.path("tool_choice").asText())) {
            body.path("tools").forEach(tools::add);
        }
        boolean thinking = "enabled".equals(body.path("thinking").path("type").asText());
        return Encoder.V4.encode(
                        ChatMessage.listFromJson(body.get("messages")),
                        tools,
                        thinking ? ChatOptions.thinkingMode() : ChatOptions.chatMode())
                .length;
    }

    /** Loaded once, on first use (seconds). */
    private static final class Encoder {
        static final ChatEncoder V4 = ChatEncoder.deepSeekV4();
    }

    @Test
    void countsThePromptTokensOfTheRequestTheHostWouldGet() throws Exception {
        String prompt = """
                "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
                "thinking":{"type":"enabled","budget_tokens":1024},
                "tools":[{"name":"get_weather","description":"Weather in a city",
                  "input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
                "tool_choice":{"type":"auto"},
                "messages":[
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"call the tool","signature":""},
                    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny, 21 C"},
                    {"type":"text","text":"And tomorrow?"}]}]}
                """;
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048," + prompt)
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        assertThat(FakeHostsResource.PRO.received()).hasSize(1);
        long expected = hostPromptTokens(FakeHostsResource.PRO.received().get(0));

        long counted = anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\"," + prompt)
                .when()
                .post(COUNT)
                .then()
                .statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("application/json"))
                .header("x-request-id", org.hamcrest.Matchers.notNullValue())
                .extract()
                .jsonPath()
                .getLong("input_tokens");
        assertThat(counted).isEqualTo(expected).isGreaterThan(30);
        assertThat(FakeHostsResource.PRO.received())
                .as("count_tokens reaches no host")
                .hasSize(1);
    }

    @Test
    void countsAPlainStringMessageWithoutThinking() throws Exception {
        String prompt = "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":10," + prompt)
                .post("/v1/messages")
                .then()
                .statusCode(200);
        JsonObject sent = FakeHostsResource.FLASH.stream()
                .flatMap(h -> h.received().stream())
                .findFirst()
                .orElseThrow();
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-flash\"," + prompt)
                .post(COUNT)
                .then()
                .statusCode(200)
                .body("input_tokens", equalTo((int) hostPromptTokens(sent)));
    }

    @Test
    void refusesOutputParametersAsExtraInputsLikeAnthropic() {
        for (String field : List.of("max_tokens", "stream", "temperature")) {
            String value = field.equals("stream") ? "false" : "1";
            anthropic.refused(
                    COUNT,
                    "{\"model\":\"deepseek-v4-pro\",\"" + field + "\":" + value
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    field + ": Extra inputs are not permitted");
        }
    }

    @Test
    void validatesTheBodyLikeMessages() {
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":[]}")
                .post(COUNT)
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", org.hamcrest.Matchers.containsString("messages"));
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"hi\",\"colour\":\"red\"}]}]}")
                .post(COUNT)
                .then()
                .statusCode(400)
                .body("error.message", equalTo("messages.0.content.0.colour: Extra inputs are not permitted"));
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]")
                .post(COUNT)
                .then()
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.message", org.hamcrest.Matchers.startsWith("The request body is not valid JSON"));
        anthropic
                .request()
                .contentType("text/plain")
                .body("hi")
                .post(COUNT)
                .then()
                .statusCode(415)
                .body("type", equalTo("error"));
    }

    @Test
    void answersNotFoundForAModelTheKeyMayNotUse() {
        TestKeys.Key limited = keys.create(Set.of("deepseek-v4-flash"));
        for (String model : List.of("deepseek-v4-pro", "deepseek-v9")) {
            AnthropicRequests.as(limited)
                    .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .when()
                    .post(COUNT)
                    .then()
                    .statusCode(404)
                    .body("type", equalTo("error"))
                    .body("error.type", equalTo("not_found_error"));
        }
        AnthropicRequests.as(limited)
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(COUNT)
                .then()
                .statusCode(200)
                .body("input_tokens", org.hamcrest.Matchers.greaterThan(0));
    }

    @Test
    void needsAKeyAndTheAnthropicVersionHeader() {
        given().header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(COUNT)
                .then()
                .statusCode(401)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("authentication_error"));
        given().header("x-api-key", anthropic.key().text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(COUNT)
                .then()
                .statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("anthropic-version"));
    }
}
