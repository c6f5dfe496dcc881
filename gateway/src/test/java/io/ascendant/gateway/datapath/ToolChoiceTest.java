package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tool_choice}: Anthropic's forms map onto the OpenAI ones the hosts read ({@code auto}, {@code any} →
 * {@code "required"}, {@code tool} → a named function, {@code none}, {@code disable_parallel_tool_use} →
 * {@code parallel_tool_calls: false}); a named tool the request does not define is a 400 naming it; forced tool use
 * with extended thinking is Anthropic's 400; and on {@code /v1/chat/completions} {@code "required"} and a named
 * function reach the host unchanged, as vLLM accepts them.
 */
@QuarkusTest
class ToolChoiceTest {
    private static final String TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}},"
            + "{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\"}}],";
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    private JsonObject sentForAnthropic(String toolChoice) {
        FakeHostsResource.PRO.reset();
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + TOOLS + "\"tool_choice\":" + toolChoice
                        + "," + HI + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        return FakeHostsResource.PRO.received().get(0);
    }

    @Test
    void mapsAnthropicToolChoiceOntoTheHostsOpenAiForms() {
        assertThat(sentForAnthropic("{\"type\":\"auto\"}").getValue("tool_choice"))
                .isEqualTo("auto");
        assertThat(sentForAnthropic("{\"type\":\"any\"}").getValue("tool_choice"))
                .isEqualTo("required");
        assertThat(sentForAnthropic("{\"type\":\"none\"}").getValue("tool_choice"))
                .isEqualTo("none");
        JsonObject named = sentForAnthropic("{\"type\":\"tool\",\"name\":\"get_time\"}");
        assertThat(named.getJsonObject("tool_choice"))
                .isEqualTo(new JsonObject(Map.of("type", "function", "function", Map.of("name", "get_time"))));
        assertThat(named.containsKey("parallel_tool_calls")).isFalse();
        JsonObject serial = sentForAnthropic("{\"type\":\"any\",\"disable_parallel_tool_use\":true}");
        assertThat(serial.getBoolean("parallel_tool_calls")).isFalse();
    }

    @Test
    void refusesANamedToolTheRequestDoesNotDefineNamingIt() {
        Map<String, String> cases = Map.of(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + TOOLS
                        + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_wether\"}," + HI + "}",
                "tool_choice.name: tool 'get_wether' is not among the request's tools.",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,"
                        + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"}," + HI + "}",
                "tool_choice.name: tool 'get_weather' is not among the request's tools.",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + TOOLS + "\"tool_choice\":{\"type\":\"tool\"},"
                        + HI + "}",
                "tool_choice.name: Field required (a string) when tool_choice.type is 'tool'.");
        cases.forEach(anthropic::refused);
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesExtendedThinkingTogetherWithForcedToolUseAsAnthropicDoes() {
        for (String choice : new String[] {"{\"type\":\"any\"}", "{\"type\":\"tool\",\"name\":\"get_time\"}"}) {
            FakeHostsResource.PRO.reset();
            anthropic.refused(
                    "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,"
                            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}," + TOOLS
                            + "\"tool_choice\":" + choice + "," + HI + "}",
                    "Thinking may not be enabled when tool_choice forces tool use.");
            assertThat(FakeHostsResource.PRO.received()).isEmpty();
        }
        // Thinking with tool_choice auto (or none) stays allowed.
        FakeHostsResource.PRO.reset();
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}," + TOOLS
                        + "\"tool_choice\":{\"type\":\"auto\"}," + HI + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
    }

    @Test
    void passesRequiredAndANamedFunctionThroughToTheHostOnChatCompletions() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"parameters\":{\"type\":\"object\"}}}],";
        for (String choice :
                new String[] {"\"required\"", "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"}) {
            FakeHostsResource.PRO.reset();
            given().header("Authorization", "Bearer " + anthropic.key().text())
                    .contentType("application/json")
                    .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + tools + "\"tool_choice\":" + choice
                            + ",\"parallel_tool_calls\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200);
            JsonObject sent = FakeHostsResource.PRO.received().get(0);
            assertThat(sent.getValue("tool_choice")).isEqualTo(new JsonObject("{\"c\":" + choice + "}").getValue("c"));
            assertThat(sent.getBoolean("parallel_tool_calls")).isFalse();
        }
    }
}
