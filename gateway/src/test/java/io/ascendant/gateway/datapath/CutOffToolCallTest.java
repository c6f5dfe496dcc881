package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A forced tool call cut off by {@code max_tokens}: the model host answers it as a tool call whose arguments are the
 * parameters completed before the cut (a JSON object, possibly {@code {}}) with finish reason {@code length}. The
 * gateway passes that through unchanged on {@code /v1/chat/completions} and makes it a {@code tool_use} block with that
 * object as {@code input} and {@code stop_reason: "max_tokens"} on {@code /v1/messages}, streamed and not.
 */
@QuarkusTest
class CutOffToolCallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ARGUMENTS = List.of("{\"city\": \"Paris\"}", "{}");
    private static final String OPENAI_TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
            + "\"get_weather\",\"parameters\":{\"type\":\"object\"}}}],"
            + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},";
    private static final String ANTHROPIC_TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":"
            + "{\"type\":\"object\"}}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"},";
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]";

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    private void hostCutsTheCallAfter(String arguments) {
        FakeHostsResource.PRO.reset();
        FakeHostsResource.PRO.toolCallArguments = arguments;
        FakeHostsResource.PRO.toolCallFinishReason = "length";
    }

    private String openAi(boolean stream) {
        return given().header("Authorization", "Bearer " + anthropic.key().text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":5,\"stream\":" + stream + "," + OPENAI_TOOLS + HI
                        + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    private String messages(boolean stream) {
        return anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":5,\"stream\":" + stream + "," + ANTHROPIC_TOOLS
                        + HI + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /** The JSON of every SSE {@code data:} line but {@code [DONE]}. */
    private static List<JsonNode> data(String stream) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : stream.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(JSON.readTree(line.substring(6)));
            }
        }
        return out;
    }

    @Test
    void passesACutOffToolCallThroughChatCompletionsWithFinishReasonLength() throws Exception {
        for (String arguments : ARGUMENTS) {
            hostCutsTheCallAfter(arguments);
            JsonNode choice = JSON.readTree(openAi(false)).path("choices").get(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
            JsonNode calls = choice.path("message").path("tool_calls");
            assertThat(calls).hasSize(1);
            assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
            assertThat(calls.get(0).path("function").path("arguments").asText()).isEqualTo(arguments);
            assertThat(choice.path("message").path("content").isNull()).isTrue();

            String stream = openAi(true);
            StringBuilder streamedArguments = new StringBuilder();
            List<String> names = new ArrayList<>();
            String finish = null;
            for (JsonNode chunk : data(stream)) {
                JsonNode c = chunk.path("choices").path(0);
                assertThat(finish)
                        .as("nothing after the finish chunk: " + stream)
                        .isNull();
                for (JsonNode call : c.path("delta").path("tool_calls")) {
                    if (call.path("function").has("name")) {
                        names.add(call.path("function").path("name").asText());
                    }
                    streamedArguments.append(
                            call.path("function").path("arguments").asText(""));
                }
                if (c.hasNonNull("finish_reason")) {
                    finish = c.path("finish_reason").asText();
                }
            }
            assertThat(names).containsExactly("get_weather");
            assertThat(streamedArguments.toString()).isEqualTo(arguments);
            assertThat(finish).isEqualTo("length");
        }
    }

    @Test
    void answersACutOffToolCallOnMessagesAsToolUseWithStopReasonMaxTokens() throws Exception {
        for (String arguments : ARGUMENTS) {
            hostCutsTheCallAfter(arguments);
            JsonNode whole = JSON.readTree(messages(false));
            assertThat(whole.path("stop_reason").asText()).as(whole.toString()).isEqualTo("max_tokens");
            JsonNode content = whole.path("content");
            assertThat(content).as(whole.toString()).hasSize(1);
            assertThat(content.get(0).path("type").asText()).isEqualTo("tool_use");
            assertThat(content.get(0).path("name").asText()).isEqualTo("get_weather");
            assertThat(content.get(0).path("input")).isEqualTo(JSON.readTree(arguments));

            String stream = messages(true);
            StringBuilder partialJson = new StringBuilder();
            List<String> blocks = new ArrayList<>();
            String stopReason = null;
            for (JsonNode event : data(stream)) {
                switch (event.path("type").asText()) {
                    case "content_block_start" -> {
                        JsonNode block = event.path("content_block");
                        blocks.add(block.path("type").asText() + ":"
                                + block.path("name").asText());
                    }
                    case "content_block_delta" -> {
                        assertThat(event.path("delta").path("type").asText()).isEqualTo("input_json_delta");
                        partialJson.append(
                                event.path("delta").path("partial_json").asText());
                    }
                    case "message_delta" ->
                        stopReason = event.path("delta").path("stop_reason").asText();
                    default -> {}
                }
            }
            assertThat(blocks).as(stream).containsExactly("tool_use:get_weather");
            JsonNode input = partialJson.isEmpty() ? JSON.createObjectNode() : JSON.readTree(partialJson.toString());
            assertThat(input).isEqualTo(JSON.readTree(arguments));
            assertThat(stopReason).isEqualTo("max_tokens");
        }
    }
}
