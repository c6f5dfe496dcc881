package io.ascendant.tokenizer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The opening that forces a tool call is exactly what the encoder writes for a turn that made that call. */
class ForcedToolCallTest {
    private static final String REST = "<｜DSML｜parameter name=\"city\" string=\"true\">Paris</｜DSML｜parameter>\n"
            + "</｜DSML｜invoke>\n</｜DSML｜tool_calls><｜end▁of▁sentence｜>";

    private static List<JsonNode> tools() throws Exception {
        return List.of(new ObjectMapper()
                .readTree("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"parameters\":{\"type\":\"object\"}}}"));
    }

    @Test
    void isThePrefixOfTheEncodedTurnThatCallsTheTool() throws Exception {
        ChatEncoder encoder = ChatEncoder.deepSeekV4();
        List<ChatMessage> question = List.of(ChatMessage.user("Weather in Paris?"));
        List<ChatMessage> answered = List.of(
                ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistant("", "", List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}"))));
        String prompt = encoder.render(question, tools(), false);
        String turn = encoder.render(answered, tools(), false);

        assertThat(turn).startsWith(prompt + ForcedToolCall.opening(false, null));
        assertThat(turn).startsWith(prompt + ForcedToolCall.opening(false, "get_weather"));
    }

    @Test
    void parsesAsACallWhenFedToTheOutputParserBeforeTheGeneratedText() {
        for (boolean thinking : new boolean[] {false, true}) {
            ChatOutputParser parser = new ChatOutputParser(thinking, () -> "call_1");
            assertThat(parser.append(ForcedToolCall.opening(thinking, "get_weather")))
                    .as("the opening alone completes nothing")
                    .isEmpty();
            parser.append(REST);
            parser.finish();
            ChatOutput out = parser.result();
            assertThat(out.error()).isEmpty();
            assertThat(out.reasoningContent()).isEmpty();
            assertThat(out.content()).isEmpty();
            assertThat(out.toolCalls()).containsExactly(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}"));
        }
    }

    @Test
    void closesTheReasoningInThinkingModeAndRefusesANameTheMarkupCannotHold() {
        assertThat(ForcedToolCall.opening(true, null)).isEqualTo("</think>\n\n<｜DSML｜tool_calls>\n");
        assertThat(ForcedToolCall.opening(false, "f")).isEqualTo("\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n");
        assertThrows(IllegalArgumentException.class, () -> ForcedToolCall.opening(false, "a\">b"));
    }
}
