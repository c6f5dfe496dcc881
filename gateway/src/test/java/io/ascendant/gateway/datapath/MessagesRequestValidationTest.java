package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages} refuses a request whose values Anthropic's API refuses, with Anthropic's error shape and a
 * message that names the exact field, before anything reaches a host. Unknown fields are
 * {@link MessagesExtraInputsTest}'s, thinking {@link MessagesThinkingTest}'s.
 */
@QuarkusTest
class MessagesRequestValidationTest {
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    @Test
    void refusesStopSequencesThatAreNotAListOfStrings() {
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"stop_sequences\":\"x\"," + HI + "}",
                "stop_sequences: Input should be a valid list");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"stop_sequences\":[\"x\",7]," + HI + "}",
                "stop_sequences.1: Input should be a valid string");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"stop_sequences\":[\" \"]," + HI + "}",
                "stop_sequences.0: each stop sequence must contain non-whitespace");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void passesAListOfStopSequencesToTheHost() {
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"stop_sequences\":[\"END\"]," + HI + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        assertThat(FakeHostsResource.PRO.received()).hasSize(1);
        assertThat(FakeHostsResource.PRO
                        .received()
                        .getFirst()
                        .getJsonArray("stop")
                        .getString(0))
                .isEqualTo("END");
    }

    @Test
    void refusesAnEmptyContentListNamingTheMessagesContent() {
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":[]}]}",
                "messages.0.content: all messages must have non-empty content except for the optional final"
                        + " assistant message");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                        + "{\"role\":\"assistant\",\"content\":[]},{\"role\":\"user\",\"content\":\"b\"}]}",
                "messages.1.content: all messages must have non-empty content except for the optional final"
                        + " assistant message");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void acceptsAnEmptyFinalAssistantMessage() {
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":["
                        + "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":[]}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
    }

    private static final String TOOL_USE_TURN = "{\"role\":\"user\",\"content\":\"weather?\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"checking\"},"
            + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}},"
            + "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"get_weather\",\"input\":{\"city\":\"Rome\"}}]}";

    private static final String TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]";

    @Test
    void refusesAToolResultThatAnswersNoToolUseOfThePreviousMessage() {
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + TOOLS + ",\"messages\":[" + TOOL_USE_TURN
                        + ",{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                        + "\"content\":\"rain\"},{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_9\","
                        + "\"content\":\"sun\"}]}]}",
                "messages.2.content.1.tool_use_id: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9."
                        + " Each `tool_result` block must have a corresponding `tool_use` block in the previous"
                        + " message.");
        // A tool_use two turns back does not count: the result must answer the turn just before it.
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + TOOLS + ",\"messages\":[" + TOOL_USE_TURN
                        + ",{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                        + "\"content\":\"rain\"},{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\","
                        + "\"content\":\"sun\"}]},{\"role\":\"assistant\",\"content\":\"ok\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                        + "\"content\":\"again\"}]}]}",
                "messages.4.content.0.tool_use_id: unexpected `tool_use_id` found in `tool_result` blocks: toolu_1."
                        + " Each `tool_result` block must have a corresponding `tool_use` block in the previous"
                        + " message.");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"rain\"}]}]}",
                "messages.0.content.0.tool_use_id: unexpected `tool_use_id` found in `tool_result` blocks: toolu_1."
                        + " Each `tool_result` block must have a corresponding `tool_use` block in the previous"
                        + " message.");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + TOOLS + ",\"messages\":[" + TOOL_USE_TURN
                        + ",{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"content\":\"rain\"}]}]}",
                "messages.2.content.0.tool_use_id: Field required");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void acceptsToolResultsForEveryToolUseOfThePreviousMessage() {
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10," + TOOLS + ",\"messages\":[" + TOOL_USE_TURN
                        + ",{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\","
                        + "\"content\":\"sun\"},{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                        + "\"content\":\"rain\",\"is_error\":false},{\"type\":\"text\",\"text\":\"and now?\"}]}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        assertThat(FakeHostsResource.PRO.received()).hasSize(1);
    }

    private static String user(String content) {
        return "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                + content + "}]}";
    }

    @Test
    void refusesATextBlockWithoutAStringTextNamingTheBlock() {
        // A text block without text used to reach the host as no turn at all, refused as "messages must be a
        // non-empty array."; beside another block it was accepted and billed.
        anthropic.refused(user("[{\"type\":\"text\"}]"), "messages.0.content.0.text: Field required");
        anthropic.refused(
                user("[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"text\"}]"),
                "messages.0.content.1.text: Field required");
        anthropic.refused(user("[{\"type\":\"text\",\"text\":null}]"), "messages.0.content.0.text: Field required");
        anthropic.refused(
                user("[{\"type\":\"text\",\"text\":5}]"), "messages.0.content.0.text: Input should be a valid string");
        anthropic.refused(
                user("[{\"type\":\"text\",\"text\":\"\"}]"),
                "messages.0.content.0.text: text content blocks must be non-empty");
        anthropic.refused(
                "/v1/messages/count_tokens",
                "{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}",
                "messages.0.content.0.text: Field required");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesABlockThatIsNotAnObjectOrHasNoType() {
        anthropic.refused(user("[{\"text\":\"hi\"}]"), "messages.0.content.0.type: Field required");
        anthropic.refused(user("[\"hi\"]"), "messages.0.content.0: Input should be an object");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesASystemBlockWithoutAStringText() {
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"system\":[{\"type\":\"text\"}]," + HI + "}",
                "system.0.text: Field required");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"system\":[{\"type\":\"text\",\"text\":\"a\"},"
                        + "{\"type\":\"text\",\"text\":[]}]," + HI + "}",
                "system.1.text: Input should be a valid string");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    private static String withTools(String tools) {
        return "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"tools\":" + tools + "," + HI + "}";
    }

    @Test
    void refusesAToolWithoutAnObjectInputSchema() {
        // Both used to be sent on (the first with an empty schema) and billed.
        anthropic.refused(withTools("[{\"name\":\"x\"}]"), "tools.0.input_schema: Field required");
        anthropic.refused(
                withTools("[{\"name\":\"x\",\"input_schema\":\"x\"}]"),
                "tools.0.input_schema: Input should be an object");
        anthropic.refused(
                withTools(
                        "[{\"name\":\"x\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"y\",\"input_schema\":{}}]"),
                "tools.1.input_schema.type: Field required");
        anthropic.refused(
                withTools("[{\"name\":\"x\",\"input_schema\":{\"type\":\"string\"}}]"),
                "tools.0.input_schema.type: Input should be 'object'");
        anthropic.refused(
                "/v1/messages/count_tokens",
                "{\"model\":\"deepseek-v4-pro\",\"tools\":[{\"name\":\"x\"}]," + HI + "}",
                "tools.0.input_schema: Field required");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesAToolWithoutAValidName() {
        String schema = "\"input_schema\":{\"type\":\"object\"}";
        anthropic.refused(withTools("[{" + schema + "}]"), "tools.0.name: Field required");
        anthropic.refused(withTools("[{\"name\":5," + schema + "}]"), "tools.0.name: Input should be a valid string");
        String pattern = "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'";
        anthropic.refused(withTools("[{\"name\":\"\"," + schema + "}]"), pattern);
        anthropic.refused(withTools("[{\"name\":\"get weather\"," + schema + "}]"), pattern);
        anthropic.refused(withTools("[{\"name\":\"" + "x".repeat(129) + "\"," + schema + "}]"), pattern);
        anthropic.refused(withTools("[\"get_weather\"]"), "tools.0: Input should be an object");
        anthropic.refused(
                withTools("[{\"name\":\"x\",\"description\":5," + schema + "}]"),
                "tools.0.description: Input should be a valid string");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void passesAToolWithTheLongestNameAnthropicAllows() {
        String name = "a".repeat(125) + "_-9";
        anthropic
                .request()
                .body(withTools("[{\"name\":\"" + name + "\",\"input_schema\":{\"type\":\"object\"}}]"))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        assertThat(FakeHostsResource.PRO
                        .received()
                        .getFirst()
                        .getJsonArray("tools")
                        .getJsonObject(0)
                        .getJsonObject("function")
                        .getString("name"))
                .isEqualTo(name);
    }
}
