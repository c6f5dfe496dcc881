package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Anthropic's Messages API on top of the hosts' OpenAI API: translation both ways, events, errors. */
@QuarkusTest
class MessagesApiTest {

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    @Test
    void translatesSystemToolsToolResultsAndThinkingForTheHost() {
        String body = """
                {"model":"deepseek-v4-pro","max_tokens":2048,"system":"Be brief.",
                 "thinking":{"type":"enabled","budget_tokens":1024},
                 "stop_sequences":["END"],
                 "tools":[{"name":"get_weather","description":"d","input_schema":{"type":"object"}}],
                 "messages":[
                   {"role":"user","content":"Weather?"},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":""},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},
                     {"type":"text","text":"Thanks"}]}]}
                """;
        anthropic
                .request()
                .body(body)
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .body("type", equalTo("message"))
                .body("role", equalTo("assistant"));
        JsonObject sent = FakeHostsResource.PRO.received().get(0);
        assertThat(sent.getString("model")).isEqualTo("deepseek-v4-pro");
        assertThat(sent.getLong("max_tokens")).isEqualTo(2048);
        assertThat(sent.getJsonObject("thinking").getString("type")).isEqualTo("enabled");
        assertThat(sent.getJsonArray("stop").getString(0)).isEqualTo("END");
        assertThat(sent.getJsonArray("tools")
                        .getJsonObject(0)
                        .getJsonObject("function")
                        .getString("name"))
                .isEqualTo("get_weather");
        var messages = sent.getJsonArray("messages");
        assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(messages.getJsonObject(2).getString("reasoning_content")).isEqualTo("hmm");
        assertThat(messages.getJsonObject(2)
                        .getJsonArray("tool_calls")
                        .getJsonObject(0)
                        .getJsonObject("function")
                        .getString("arguments"))
                .isEqualTo("{\"city\":\"Paris\"}");
        // A client's own toolu_ id loses the prefix in both places (ToolUseIds), so the result still answers the call.
        assertThat(messages.getJsonObject(2)
                        .getJsonArray("tool_calls")
                        .getJsonObject(0)
                        .getString("id"))
                .isEqualTo("1");
        assertThat(messages.getJsonObject(3).getString("role")).isEqualTo("tool");
        assertThat(messages.getJsonObject(3).getString("tool_call_id")).isEqualTo("1");
        assertThat(messages.getJsonObject(4).getString("content")).isEqualTo("Thanks");
    }

    @Test
    void toolUseIdsAClientMadeUpWithoutThePrefixReachTheHostUnchanged() {
        String body = """
                {"model":"deepseek-v4-pro","max_tokens":256,
                 "tools":[{"name":"get_weather","description":"d","input_schema":{"type":"object"}}],
                 "messages":[
                   {"role":"user","content":"Weather?"},
                   {"role":"assistant","content":[
                     {"type":"tool_use","id":"lookup-7","name":"get_weather","input":{"city":"Paris"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"lookup-7","content":"sunny"}]}]}
                """;
        anthropic.request().body(body).when().post("/v1/messages").then().statusCode(200);
        var messages = FakeHostsResource.PRO.received().get(0).getJsonArray("messages");
        assertThat(messages.getJsonObject(1)
                        .getJsonArray("tool_calls")
                        .getJsonObject(0)
                        .getString("id"))
                .isEqualTo("lookup-7");
        assertThat(messages.getJsonObject(2).getString("tool_call_id")).isEqualTo("lookup-7");
    }

    @Test
    void streamsTheFullAnthropicEventSequence() {
        String body = "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,\"stream\":true,"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String stream = anthropic
                .request()
                .body(body)
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<String> events = new ArrayList<>();
        for (String line : stream.split("\n")) {
            if (line.startsWith("event: ")) {
                events.add(line.substring(7));
            }
        }
        assertThat(events.get(0)).isEqualTo("message_start");
        assertThat(events)
                .containsSubsequence(
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(events.get(events.size() - 1)).isEqualTo("message_stop");
        assertThat(stream).contains("\"type\":\"thinking_delta\"", "\"type\":\"text_delta\"", "\"signature_delta\"");
        assertThat(stream).contains("\"stop_reason\":\"end_turn\"", "\"output_tokens\":8");
    }

    @Test
    void aStreamStatesTheCountedInputTokensInMessageStartAndTheHostsUsageInMessageDelta() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this prompt?\"}]";
        int counted = anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\"," + messages + "}")
                .when()
                .post("/v1/messages/count_tokens")
                .then()
                .statusCode(200)
                .extract()
                .path("input_tokens");
        assertThat(counted).isPositive();

        String stream = anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":100,\"stream\":true," + messages + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonObject start = null;
        JsonObject delta = null;
        for (String line : stream.split("\n")) {
            if (line.startsWith("data: {\"type\":\"message_start\"")) {
                start = new JsonObject(line.substring(6));
            } else if (line.startsWith("data: {\"type\":\"message_delta\"")) {
                delta = new JsonObject(line.substring(6));
            }
        }
        assertThat(start).as(stream).isNotNull();
        assertThat(delta).as(stream).isNotNull();
        assertThat(start.getJsonObject("message").getJsonObject("usage").getLong("input_tokens"))
                .as("the gateway's count of the prompt, as count_tokens answers it")
                .isEqualTo(counted);
        assertThat(delta.getJsonObject("usage").getLong("output_tokens"))
                .as("the host's final usage (the fake host's answer without thinking)")
                .isEqualTo(5);
    }

    @Test
    void answersErrorsInTheAnthropicShape() {
        anthropic
                .request()
                .body("{\"model\":\"nope\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(404)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("not_found_error"));
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("max_tokens"));
        given().header("x-api-key", anthropic.key().text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("error.message", containsString("anthropic-version"));
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                        + "\"content\":[{\"type\":\"image\",\"source\":{}}]}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("error.message", containsString("image"));
    }

    @Test
    void answersMalformedJsonAndModelTypesInTheAnthropicShapeAndOwnWords() {
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,}",
                "The request body is not valid JSON at line 1, column 44: expected a field name in"
                        + " double quotes (a comma must not follow the last member of an object).");
        anthropic
                .request()
                .body("{\"model\":5,\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("'model' must be a non-empty string"));
    }

    @Test
    void answersMalformedPercentEncodingInTheUrlInTheAnthropicShape() {
        Map<String, String> headers = Map.of(
                "x-api-key",
                anthropic.key().text(),
                "anthropic-version",
                "2023-06-01",
                "Content-Type",
                "application/json");
        for (String target : List.of("/v1/messages?beta=%zz", "/v1/messages/%E0%A4%A")) {
            RawHttp.Answer a = RawHttp.send(
                    "POST",
                    target,
                    headers,
                    "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"hi\"}]}");
            assertThat(a.status()).as(target).isEqualTo(400);
            assertThat(a.contentType()).startsWith("application/json");
            assertThat(a.json().getString("type")).isEqualTo("error");
            assertThat(a.json().getString("error.type")).isEqualTo("invalid_request_error");
            assertThat(a.json().getString("error.message"))
                    .startsWith("The request URL is malformed: the '%' at character")
                    .endsWith("(write a literal '%' as %25).");
        }
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void rejectsTemperatureOutsideAnthropicsRangeNamingItBeforeTheHost() {
        for (String temperature : List.of("1.5", "2", "-0.1", "\"hot\"")) {
            anthropic
                    .request()
                    .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"temperature\":" + temperature
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .when()
                    .post("/v1/messages")
                    .then()
                    .statusCode(400)
                    .body("type", equalTo("error"))
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.message", containsString("temperature"))
                    .body("error.message", containsString("0..1"));
        }
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"temperature\":1,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        assertThat(FakeHostsResource.PRO.received().get(0).getDouble("temperature"))
                .isEqualTo(1.0);
    }

    @Test
    void endsAnAnthropicStreamWithAnErrorEventWhenTheHostDies() {
        FakeHostsResource.PRO.script(io.ascendant.gateway.fakehost.FakeModelHost.Behaviour.DIE_MID_STREAM);
        String stream = anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":100,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(stream).startsWith("event: message_start").contains("event: error", "\"type\":\"api_error\"");
    }
}
