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
}
