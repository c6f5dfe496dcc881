package io.ascendant.tokenizer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules of the reference encoder beyond its four fixtures (worked examples of the reference note, section 3.7). */
class ChatEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ChatEncoder encoder = ChatEncoder.deepSeekV4();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static final List<ChatMessage> SYSTEM_AND_QUESTION =
            List.of(ChatMessage.system("You are a helpful assistant."), ChatMessage.user("What is 2+2?"));

    @Test
    void opensThinkingAfterTheLastUserTurnAndEncodesToGoldenIds() {
        assertThat(encoder.render(SYSTEM_AND_QUESTION, List.of(), true))
                .isEqualTo("<｜begin▁of▁sentence｜>You are a helpful assistant.<｜User｜>What is 2+2?<｜Assistant｜><think>");
        assertThat(encoder.encode(SYSTEM_AND_QUESTION, List.of(), true))
                .containsExactly(
                        0, 3476, 477, 260, 11502, 22896, 16, 128803, 3085, 344, 223, 20, 13, 20, 33, 128804, 128821);
    }

    @Test
    void closesThinkingInChatMode() {
        assertThat(encoder.render(SYSTEM_AND_QUESTION, List.of(), false))
                .endsWith("<｜User｜>What is 2+2?<｜Assistant｜></think>");
        int[] ids = encoder.encode(SYSTEM_AND_QUESTION, List.of(), false);
        assertThat(ids[ids.length - 1]).isEqualTo(128822);
    }

    @Test
    void rendersToolCallsAndSortsToolResultsByCallOrder() throws Exception {
        JsonNode tool = json("{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}");
        List<ChatMessage> messages = List.of(
                ChatMessage.system("S").withTools(List.of(tool)),
                ChatMessage.user("q"),
                ChatMessage.assistant(
                        "why",
                        null,
                        List.of(new ToolCall("a", "f", "{\"x\": 1, \"s\": \"t\"}"), new ToolCall("b", "f", "{}"))),
                ChatMessage.tool("b", "B"),
                ChatMessage.tool("a", "A"));

        String prompt = encoder.render(messages, List.of(), true);

        assertThat(prompt)
                .startsWith("<｜begin▁of▁sentence｜>S\n\n## Tools\n\n")
                .endsWith("<｜User｜>q<｜Assistant｜><think>why</think>\n\n<｜DSML｜tool_calls>\n"
                        + "<｜DSML｜invoke name=\"f\">\n"
                        + "<｜DSML｜parameter name=\"x\" string=\"false\">1</｜DSML｜parameter>\n"
                        + "<｜DSML｜parameter name=\"s\" string=\"true\">t</｜DSML｜parameter>\n"
                        + "</｜DSML｜invoke>\n"
                        + "<｜DSML｜invoke name=\"f\">\n\n</｜DSML｜invoke>\n"
                        + "</｜DSML｜tool_calls><｜end▁of▁sentence｜>"
                        + "<｜User｜><tool_result>A</tool_result>\n\n<tool_result>B</tool_result><｜Assistant｜><think>");
        assertThat(prompt).contains("{\"name\": \"f\", \"parameters\": {}}\n\nYou MUST strictly follow");
    }

    @Test
    void keepsEarlierReasoningWhenToolsArePresent() throws Exception {
        JsonNode tool = json("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
        List<ChatMessage> messages = List.of(
                ChatMessage.user("one"),
                ChatMessage.assistant("first thoughts", "A1", List.of()),
                ChatMessage.user("two"));

        assertThat(encoder.render(messages, List.of(), true))
                .doesNotContain("first thoughts")
                .contains("<｜User｜>one<｜Assistant｜></think>A1<｜end▁of▁sentence｜>");
        assertThat(encoder.render(messages, List.of(tool), true))
                .startsWith("<｜begin▁of▁sentence｜>\n\n## Tools")
                .contains("<｜User｜>one<｜Assistant｜><think>first thoughts</think>A1<｜end▁of▁sentence｜>")
                .endsWith("<｜User｜>two<｜Assistant｜><think>");
    }

    @Test
    void addsMaxReasoningEffortOnlyInThinkingMode() {
        ChatOptions max = ChatOptions.thinkingMode().withReasoningEffort(ReasoningEffort.MAX);
        assertThat(encoder.render(SYSTEM_AND_QUESTION, List.of(), max))
                .startsWith("<｜begin▁of▁sentence｜>Reasoning Effort: Absolute maximum with no shortcuts permitted.\n")
                .contains("left unchecked.\n\nYou are a helpful assistant.");
        assertThat(encoder.render(
                        SYSTEM_AND_QUESTION,
                        List.of(),
                        ChatOptions.chatMode().withReasoningEffort(ReasoningEffort.MAX)))
                .doesNotContain("Reasoning Effort");
        assertThat(encoder.render(
                        SYSTEM_AND_QUESTION,
                        List.of(),
                        ChatOptions.thinkingMode().withReasoningEffort(ReasoningEffort.HIGH)))
                .isEqualTo(encoder.render(SYSTEM_AND_QUESTION, List.of(), true));
    }

    @Test
    void mergesConsecutiveUserMessagesAndDropsEarlierDeveloperMessages() {
        List<ChatMessage> messages = List.of(
                ChatMessage.developer("internal"),
                ChatMessage.assistant("r", "x", List.of()),
                ChatMessage.user("a"),
                ChatMessage.user("b"));
        assertThat(encoder.render(messages, List.of(), true))
                .isEqualTo("<｜begin▁of▁sentence｜>x<｜end▁of▁sentence｜><｜User｜>a\n\nb<｜Assistant｜><think>");
        assertThat(encoder.render(messages, List.of(), false))
                .isEqualTo("<｜begin▁of▁sentence｜><｜User｜>internal<｜Assistant｜></think>x<｜end▁of▁sentence｜>"
                        + "<｜User｜>a\n\nb<｜Assistant｜></think>");
    }

    @Test
    void rendersResponseFormatAndNonJsonArguments() throws Exception {
        JsonNode schema = json("{\"type\":\"json_schema\",\"x\":1.0,\"y\":1e20,\"z\":0.00001,\"s\":\"é\\n\\u0001\"}");
        ChatMessage system = new ChatMessage("system", "S", null, null, null, null, schema, null, false);
        assertThat(encoder.render(List.of(system), List.of(), false))
                .isEqualTo("<｜begin▁of▁sentence｜>S\n\n## Response Format:\n\nYou MUST strictly adhere to the following"
                        + " schema to reply:\n{\"type\": \"json_schema\", \"x\": 1.0, \"y\": 1e+20, \"z\": 1e-05, \"s\":"
                        + " \"é\\n\\u0001\"}");

        ChatMessage emptyFormat = new ChatMessage("system", "S", null, null, null, null, json("{}"), null, false);
        assertThat(encoder.render(List.of(emptyFormat), List.of(), false)).isEqualTo("<｜begin▁of▁sentence｜>S");

        ChatMessage call = ChatMessage.assistant(null, "", List.of(new ToolCall("i", "g", "not json")));
        assertThat(encoder.render(List.of(ChatMessage.user("u"), call), List.of(), false))
                .contains("<｜DSML｜parameter name=\"arguments\" string=\"true\">not json</｜DSML｜parameter>");
    }

    @Test
    void rejectsWhatTheReferenceRejects() {
        assertThrows(
                IllegalArgumentException.class,
                () -> encoder.render(List.of(ChatMessage.user("u").withTask("nope")), List.of(), true));
        assertThrows(
                IllegalArgumentException.class,
                () -> encoder.render(List.of(ChatMessage.developer("")), List.of(), true));
        assertThrows(IllegalArgumentException.class, () -> ChatMessage.listFromJson("[{\"role\":\"robot\"}]"));
        ChatMessage listArgs = ChatMessage.assistant(null, "", List.of(new ToolCall("i", "g", "[1, 2]")));
        assertThrows(
                IllegalArgumentException.class,
                () -> encoder.render(List.of(ChatMessage.user("u"), listArgs), List.of(), false));
    }

    @Test
    void formatsFloatsAsPythonRepr() {
        assertThat(PythonJson.floatRepr(1.0)).isEqualTo("1.0");
        assertThat(PythonJson.floatRepr(0.1)).isEqualTo("0.1");
        assertThat(PythonJson.floatRepr(-2.5)).isEqualTo("-2.5");
        assertThat(PythonJson.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PythonJson.floatRepr(1234567890123456.0)).isEqualTo("1234567890123456.0");
        assertThat(PythonJson.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PythonJson.floatRepr(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PythonJson.floatRepr(1.7976931348623157e308)).isEqualTo("1.7976931348623157e+308");
        assertThat(PythonJson.floatRepr(-0.0)).isEqualTo("-0.0");
        assertThat(PythonJson.floatRepr(123.456)).isEqualTo("123.456");
    }
}
