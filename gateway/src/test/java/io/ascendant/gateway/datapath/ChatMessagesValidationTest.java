package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/chat/completions} refuses a conversation OpenAI's API refuses (a message without its content, a
 * tool message that answers no tool call) in the OpenAI error shape, with {@code param} and message naming the exact
 * field, before anything reaches a host; a well-formed multi-turn tool conversation still passes.
 */
@QuarkusTest
class ChatMessagesValidationTest {

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

    private ValidatableResponse chat(String messages) {
        return given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":" + messages + "}")
                .when()
                .post("/v1/chat/completions")
                .then();
    }

    private void refused(String messages, String param, String code, String message) {
        chat(messages)
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.code", equalTo(code))
                .body("error.message", equalTo(message));
    }

    private static void assertNothingReachedAHost() {
        assertThat(hostRequests()).isZero();
    }

    private static int hostRequests() {
        return FakeHostsResource.FLASH.stream()
                .map(FakeModelHost::received)
                .mapToInt(List::size)
                .sum();
    }

    @Test
    void refusesAUserOrSystemMessageWithoutContent() {
        refused(
                "[{\"role\":\"user\"}]",
                "messages[0].content",
                "missing_required_parameter",
                "Missing required parameter: 'messages[0].content'.");
        refused(
                "[{\"role\":\"system\",\"content\":null},{\"role\":\"user\",\"content\":\"hi\"}]",
                "messages[0].content",
                "missing_required_parameter",
                "Missing required parameter: 'messages[0].content'.");
        refused(
                "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\"},{\"role\":\"user\",\"content\":\"x\"}]",
                "messages[1].content",
                "missing_required_parameter",
                "Missing required parameter: 'messages[1].content'.");
        assertNothingReachedAHost();
    }

    @Test
    void refusesATextPartWithoutAStringTextNamingThePartNotCallingItUnsupported() {
        refused(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]",
                "messages[0].content[0].text",
                "invalid_type",
                "'messages[0].content[0].text' must be a string.");
        refused(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\"}]}]",
                "messages[0].content[1].text",
                "missing_required_parameter",
                "Missing required parameter: 'messages[0].content[1].text'.");
        refused(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":null}]}]",
                "messages[0].content[0].text",
                "missing_required_parameter",
                "Missing required parameter: 'messages[0].content[0].text'.");
        assertNothingReachedAHost();
    }

    @Test
    void refusesAContentPartWithoutATypeOrThatIsNotAnObject() {
        refused(
                "[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]",
                "messages[0].content[0].type",
                "missing_required_parameter",
                "Missing required parameter: 'messages[0].content[0].type'.");
        refused(
                "[{\"role\":\"user\",\"content\":[{\"type\":7,\"text\":\"hi\"}]}]",
                "messages[0].content[0].type",
                "invalid_type",
                "'messages[0].content[0].type' must be a string.");
        refused(
                "[{\"role\":\"user\",\"content\":[\"hi\"]}]",
                "messages[0].content[0]",
                "invalid_type",
                "'messages[0].content[0]' must be an object with a 'type' (such as {\"type\": \"text\", \"text\":"
                        + " \"...\"}).");
        refused(
                "[{\"role\":\"user\",\"content\":5}]",
                "messages[0].content",
                "invalid_type",
                "'messages[0].content' must be a string or an array of content parts.");
        assertNothingReachedAHost();
    }

    @Test
    void acceptsTextParts() {
        chat("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]")
                .statusCode(200);
        assertThat(hostRequests()).isEqualTo(1);
    }

    @Test
    void refusesUnknownMessageKeysAndANameThatIsNotAString() {
        refused(
                "[{\"role\":\"user\",\"content\":\"hi\",\"bogus\":1}]",
                "messages[0].bogus",
                "unknown_parameter",
                "Unknown parameter: 'messages[0].bogus'.");
        refused(
                "[{\"role\":\"user\",\"content\":\"hi\",\"name\":5}]",
                "messages[0].name",
                "invalid_type",
                "'messages[0].name' must be a string.");
        assertNothingReachedAHost();
    }

    @Test
    void acceptsTheDocumentedMessageKeysIncludingDeepSeeksReasoningContentAndPrefix() {
        chat("[{\"role\":\"system\",\"content\":\"be brief\",\"name\":\"ops\"},"
                        + "{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ann\"},"
                        + "{\"role\":\"assistant\",\"content\":\"hello\",\"reasoning_content\":\"greet\","
                        + "\"refusal\":null},"
                        + "{\"role\":\"user\",\"content\":\"more\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Sure\",\"prefix\":true}]")
                .statusCode(200);
        assertThat(hostRequests()).isEqualTo(1);
    }

    @Test
    void refusesToolCallsThatAreNotAnArrayNamingThemNotTheContent() {
        refused(
                "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"tool_calls\":\"x\"}]",
                "messages[1].tool_calls",
                "invalid_type",
                "'messages[1].tool_calls' must be an array.");
        assertNothingReachedAHost();
    }

    private static final String CALLS = "{\"role\":\"user\",\"content\":\"weather?\"},"
            + "{\"role\":\"assistant\",\"tool_calls\":["
            + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}},"
            + "{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]}";

    @Test
    void refusesAToolMessageThatAnswersNoToolCallOfThePrecedingAssistantMessage() {
        refused(
                "[" + CALLS + ",{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"rain\"},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"call_9\",\"content\":\"sun\"}]",
                "messages[3].tool_call_id",
                "invalid_value",
                "Invalid parameter: 'messages[3].tool_call_id' of 'call_9' not found in 'tool_calls' of the preceding"
                        + " assistant message (messages[1]).");
        refused(
                "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"tool\",\"tool_call_id\":\"call_1\","
                        + "\"content\":\"rain\"}]",
                "messages[1].role",
                "invalid_value",
                "Invalid parameter: 'messages[1]' has role 'tool' but is not a response to a preceding message with"
                        + " 'tool_calls'.");
        // Tool calls answered before a new user turn cannot be answered again after it.
        refused(
                "[" + CALLS + ",{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"rain\"},"
                        + "{\"role\":\"user\",\"content\":\"and?\"},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"sun\"}]",
                "messages[4].role",
                "invalid_value",
                "Invalid parameter: 'messages[4]' has role 'tool' but is not a response to a preceding message with"
                        + " 'tool_calls'.");
        refused(
                "[" + CALLS + ",{\"role\":\"tool\",\"content\":\"rain\"}]",
                "messages[2].tool_call_id",
                "missing_required_parameter",
                "Missing required parameter: 'messages[2].tool_call_id'.");
        assertNothingReachedAHost();
    }

    @Test
    void acceptsAMultiTurnToolConversation() {
        chat("[" + CALLS + ",{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"sun\"},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"rain\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Rain in one, sun in the other.\"},"
                        + "{\"role\":\"user\",\"content\":\"thanks\"}]")
                .statusCode(200);
        assertThat(hostRequests()).isEqualTo(1);
    }
}
