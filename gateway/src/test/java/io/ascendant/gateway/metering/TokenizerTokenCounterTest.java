package io.ascendant.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import io.ascendant.tokenizer.chat.ReasoningEffort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's own prompt count equals the number of ids the V4 chat encoding gives the host. */
class TokenizerTokenCounterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TokenizerTokenCounter COUNTER = new TokenizerTokenCounter();
    private static ChatEncoder encoder;

    private static final String MESSAGES = """
            [{"role":"system","content":"You are a weather assistant."},
             {"role":"user","content":"What is the weather in Hangzhou tomorrow?"},
             {"role":"assistant","content":"","reasoning_content":"I should call the tool.",
              "tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Hangzhou\\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"Sunny, 24 C"},
             {"role":"user","content":"And the day after?"}]""";

    private static final String TOOLS = """
            [{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
              "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""";

    @BeforeAll
    static void load() {
        encoder = ChatEncoder.deepSeekV4();
    }

    private static ObjectNode body(String extra) throws Exception {
        return (ObjectNode) JSON.readTree("{\"model\":\"deepseek-v4-flash\",\"messages\":" + MESSAGES + extra + "}");
    }

    private static int hostIds(ObjectNode body, List<JsonNode> tools, ChatOptions options) {
        return encoder.encode(ChatMessage.listFromJson(body.get("messages")), tools, options).length;
    }

    private static List<JsonNode> tools() throws Exception {
        List<JsonNode> list = new ArrayList<>();
        JSON.readTree(TOOLS).forEach(list::add);
        return list;
    }

    @Test
    void countsChatPromptWithToolsAndThinkingAsTheChatEncoderEncodesIt() throws Exception {
        ObjectNode body = body(",\"tools\":" + TOOLS + ",\"thinking\":{\"type\":\"enabled\"}");
        int expected = hostIds(body, tools(), ChatOptions.thinkingMode());

        long counted = COUNTER.countPrompt(body, "plain text of the messages");

        assertThat(counted).isEqualTo(expected);
        // The template's tokens are counted: more than the plain message text alone.
        assertThat(counted)
                .isGreaterThan(COUNTER.count("What is the weather in Hangzhou tomorrow? And the day after?"));
        assertThat(counted).isNotEqualTo(hostIds(body, List.of(), ChatOptions.thinkingMode()));
    }

    @Test
    void countsChatModeAndReasoningEffortAsTheHostReadsThem() throws Exception {
        ObjectNode chat = body(",\"tools\":" + TOOLS);
        assertThat(COUNTER.countPrompt(chat, "")).isEqualTo(hostIds(chat, tools(), ChatOptions.chatMode()));

        ObjectNode kwargs = body(",\"chat_template_kwargs\":{\"thinking\":true},\"reasoning_effort\":\"max\"");
        assertThat(COUNTER.countPrompt(kwargs, ""))
                .isEqualTo(hostIds(
                        kwargs, List.of(), ChatOptions.thinkingMode().withReasoningEffort(ReasoningEffort.MAX)));
    }

    @Test
    void dropsToolsWhenToolChoiceIsNone() throws Exception {
        ObjectNode body = body(",\"tools\":" + TOOLS + ",\"tool_choice\":\"none\"");
        assertThat(COUNTER.countPrompt(body, "")).isEqualTo(hostIds(body, List.of(), ChatOptions.chatMode()));
    }

    @Test
    void countsCompletionsPromptAsPlainText() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("{\"model\":\"m\",\"prompt\":\"Once upon a time\"}");
        assertThat(COUNTER.countPrompt(body, "ignored"))
                .isEqualTo(encoder.tokenizer().encode("Once upon a time").length);
    }
}
