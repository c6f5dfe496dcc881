package io.ascendant.tokenizer.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ChatOutputParserTest {
    private static final String MARKER = "<｜Assistant｜><think>";

    private static Supplier<String> ids() {
        AtomicInteger n = new AtomicInteger();
        return () -> "call_" + n.incrementAndGet();
    }

    @Test
    void parsesToolCallTurnOfFixture1AsTheReferenceTestDoes() throws IOException {
        String prompt = ReferenceFixturesTest.text("test_output_1.txt");
        int start = prompt.indexOf(MARKER) + MARKER.length();
        int end = prompt.indexOf("<｜User｜>", start);

        ChatOutput out = ChatOutputParser.parse(prompt.substring(start, end), true);

        assertThat(out.reasoningContent())
                .isEqualTo("The user wants to know the weather in Beijing. I should use the get_weather tool.");
        assertThat(out.content()).isEmpty();
        assertThat(out.toolCalls()).hasSize(1);
        assertThat(out.toolCalls().getFirst().name()).isEqualTo("get_weather");
        assertThat(out.toolCalls().getFirst().arguments())
                .isEqualTo("{\"location\": \"Beijing\", \"unit\": \"celsius\"}");
        assertThat(out.endOfSequence()).isTrue();
        assertThat(out.error()).isEmpty();
    }

    @Test
    void parsesFinalTurnsOfFixtures1And2() throws IOException {
        String p1 = ReferenceFixturesTest.text("test_output_1.txt");
        ChatOutput o1 = ChatOutputParser.parse(p1.substring(p1.lastIndexOf(MARKER) + MARKER.length()), true);
        assertThat(o1.reasoningContent()).isEqualTo("Got the weather data. Let me format a nice response.");
        assertThat(o1.content()).contains("22°C");
        assertThat(o1.toolCalls()).isEmpty();

        String p2 = ReferenceFixturesTest.text("test_output_2.txt");
        ChatOutput o2 = ChatOutputParser.parse(p2.substring(p2.lastIndexOf(MARKER) + MARKER.length()), true);
        assertThat(o2.reasoningContent()).isEqualTo("The user asks about the capital of France. It is Paris.");
        assertThat(o2.content()).isEqualTo("The capital of France is Paris.");
        assertThat(o2.error()).isEmpty();
    }

    @Test
    void parsesTheReadmeExample() {
        ChatOutput out = ChatOutputParser.parse("Simple arithmetic.</think>2 + 2 = 4.<｜end▁of▁sentence｜>", true);
        assertThat(out.reasoningContent()).isEqualTo("Simple arithmetic.");
        assertThat(out.content()).isEqualTo("2 + 2 = 4.");
        assertThat(out.toolCalls()).isEmpty();
    }

    @Test
    void parsesWhatTheEncoderWritesForToolCalls() {
        ChatMessage assistant = ChatMessage.assistant(
                "why",
                "Let me check.",
                List.of(
                        new ToolCall("a", "f", "{\"x\": 1, \"s\": \"t\\n\\\"q\\\"\", \"o\": {\"k\": [1, 2.5, null]}}"),
                        new ToolCall("b", "g", "{}")));
        String prompt = ChatEncoder.deepSeekV4()
                .render(List.of(ChatMessage.user("q"), assistant), List.of(), ChatOptions.thinkingMode());
        String generated = prompt.substring(prompt.indexOf(MARKER) + MARKER.length());

        ChatOutput out = ChatOutputParser.parse(generated, true);

        assertThat(out.error()).isEmpty();
        assertThat(out.reasoningContent()).isEqualTo("why");
        assertThat(out.content()).isEqualTo("Let me check.");
        assertThat(out.toolCalls()).extracting(ToolCall::name).containsExactly("f", "g");
        assertThat(out.toolCalls().get(0).arguments())
                .isEqualTo("{\"x\": 1, \"s\": \"t\\n\\\"q\\\"\", \"o\": {\"k\": [1, 2.5, null]}}");
        assertThat(out.toolCalls().get(1).arguments()).isEqualTo("{}");
    }

    @Test
    void chatModeOutputIsAllContent() {
        ChatOutput out = ChatOutputParser.parse("Hello there<｜end▁of▁sentence｜>", false);
        assertThat(out.content()).isEqualTo("Hello there");
        assertThat(out.reasoningContent()).isEmpty();
        assertThat(out.endOfSequence()).isTrue();
    }

    @Test
    void outputCutOnLengthIsNotAnError() {
        ChatOutput out = ChatOutputParser.parse("still thinking about <｜end", true);
        assertThat(out.reasoningContent()).isEqualTo("still thinking about <｜end");
        assertThat(out.endOfSequence()).isFalse();
        assertThat(out.error()).isEmpty();
    }

    private static final String BLOCK = "\n\n<｜DSML｜tool_calls>\n";
    private static final String INVOKE_F = "<｜DSML｜invoke name=\"f\">\n";
    private static final String PARAM_A = "<｜DSML｜parameter name=\"a\" string=\"true\">x</｜DSML｜parameter>\n";
    private static final String CLOSED_F = INVOKE_F + PARAM_A + "</｜DSML｜invoke>\n";

    /** Cut-off tool-call blocks, each with the calls (name, arguments) it must give; all end without the block close. */
    private static final List<List<String>> CUTS = List.of(
            List.of(BLOCK + "<｜DSML｜invoke name=\"get_wea"),
            List.of(BLOCK + "<｜DSML｜invoke name=\"f"),
            List.of(BLOCK + INVOKE_F + "<｜DSML｜parameter name=\"ci", "f", "{}"),
            List.of(
                    BLOCK + INVOKE_F + PARAM_A + "<｜DSML｜parameter name=\"n\" string=\"false\">[1, 2",
                    "f",
                    "{\"a\": \"x\"}"),
            List.of(BLOCK + INVOKE_F + "<｜DSML｜parameter name=\"a\" string=\"true\">x</｜DSML｜param", "f", "{}"),
            List.of(BLOCK + INVOKE_F + PARAM_A + "<｜DSML｜par", "f", "{\"a\": \"x\"}"),
            List.of(BLOCK + INVOKE_F + PARAM_A.substring(0, PARAM_A.length() - 2), "f", "{\"a\": \"x\"}"),
            List.of(
                    BLOCK + CLOSED_F + "<｜DSML｜invoke name=\"g\">\n"
                            + "<｜DSML｜parameter name=\"q\" string=\"false\">3</｜DSML｜parameter>\n<",
                    "f",
                    "{\"a\": \"x\"}",
                    "g",
                    "{\"q\": 3}"),
            List.of(BLOCK + CLOSED_F + "</｜DSML｜tool", "f", "{\"a\": \"x\"}"),
            List.of(BLOCK + INVOKE_F + "random tokens of a model that never closes the invoke", "f", "{}"),
            List.of(BLOCK + "random tokens before any invoke"),
            List.of("\n\n<｜DSML｜tool_ca"));

    private static void assertCutOff(ChatOutput out, List<String> expectedCalls) {
        List<String> calls = new ArrayList<>();
        out.toolCalls().forEach(c -> {
            calls.add(c.name());
            calls.add(c.arguments());
        });
        assertThat(calls).isEqualTo(expectedCalls);
        for (ToolCall c : out.toolCalls()) {
            assertThat(JsonAssert.objectNode(c.arguments())).as(c.arguments()).isTrue();
        }
        assertThat(out.content()).doesNotContain("｜");
        assertThat(out.reasoningContent()).doesNotContain("｜");
        assertThat(out.error())
                .hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(ChatParseError.Kind.UNCLOSED_TOOL_CALLS));
    }

    @Test
    void cutOffToolBlockGivesTheCallsWrittenSoFarAndNeverMarkup() {
        for (List<String> cut : CUTS) {
            for (String before : List.of("", "Let me check.")) {
                ChatOutput out = ChatOutputParser.parse(before + cut.getFirst(), false);
                assertThat(out.content()).as(cut.getFirst()).isEqualTo(before);
                assertCutOff(out, cut.subList(1, cut.size()));
                assertThat(out.endOfSequence()).isFalse();
            }
        }
    }

    @Test
    void cutOffToolBlockInThinkingModeEndsTheReasoning() {
        for (List<String> cut : CUTS) {
            for (String reasoning : List.of("plan</think>", "plan")) {
                ChatOutput out = ChatOutputParser.parse(reasoning + cut.getFirst(), true);
                assertThat(out.reasoningContent()).as(cut.getFirst()).isEqualTo("plan");
                assertThat(out.content()).isEmpty();
                assertCutOff(out, cut.subList(1, cut.size()));
            }
        }
    }

    @Test
    void forcedCallThatIsNeverClosedIsTheNamedCallWithTheArgumentsCompleted() {
        for (boolean thinking : new boolean[] {false, true}) {
            ChatOutput named = ChatOutputParser.parse(
                    ForcedToolCall.opening(thinking, "get_weather") + "<｜DSML｜parameter name=\"city\" string=\"true\">"
                            + "Paris</｜DSML｜parameter>\n<｜DSML｜parameter name=\"days\" string=\"false\">1",
                    thinking);
            assertThat(named.reasoningContent()).isEmpty();
            assertThat(named.content()).isEmpty();
            assertCutOff(named, List.of("get_weather", "{\"city\": \"Paris\"}"));

            ChatOutput required =
                    ChatOutputParser.parse(ForcedToolCall.opening(thinking, null) + "<｜DSML｜inv", thinking);
            assertThat(required.content()).isEmpty();
            assertCutOff(required, List.of());
        }
    }

    @Test
    void endOfSequenceInsideToolBlockCutsItThere() {
        ChatOutput out = ChatOutputParser.parse(
                BLOCK + INVOKE_F + PARAM_A + "<｜DSML｜parameter name=\"b\" st<｜end▁of▁sentence｜>", false);
        assertCutOff(out, List.of("f", "{\"a\": \"x\"}"));
        assertThat(out.content()).isEmpty();
        assertThat(out.endOfSequence()).isTrue();
    }

    @Test
    void closedElementThatBreaksTheGrammarInACutOffBlockStaysContentWithTypedError() {
        ChatOutput out = ChatOutputParser.parse(
                BLOCK + INVOKE_F + "<｜DSML｜parameter name=\"n\" string=\"false\">{oops</｜DSML｜parameter>\n<", false);
        assertThat(out.error())
                .hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(ChatParseError.Kind.INVALID_PARAMETER_JSON));
        assertThat(out.toolCalls()).isEmpty();
        assertThat(out.content()).startsWith("<｜DSML｜tool_calls>");
    }

    @Test
    void invalidJsonParameterIsTypedError() {
        String text = "</think>\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n"
                + "<｜DSML｜parameter name=\"n\" string=\"false\">{oops</｜DSML｜parameter>\n</｜DSML｜invoke>\n"
                + "</｜DSML｜tool_calls><｜end▁of▁sentence｜>";

        ChatOutput out = ChatOutputParser.parse(text, true);

        assertThat(out.error())
                .hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(ChatParseError.Kind.INVALID_PARAMETER_JSON));
        assertThat(out.toolCalls()).isEmpty();
        assertThat(out.content()).startsWith("<｜DSML｜tool_calls>").endsWith("</｜DSML｜tool_calls>");
        assertThat(out.endOfSequence()).isTrue();
    }

    @Test
    void malformedInvokeAndDuplicateParameterAreTypedErrors() {
        ChatOutput bad = ChatOutputParser.parse(
                "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke nam=\"f\">\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>", false);
        assertThat(bad.error().orElseThrow().kind()).isEqualTo(ChatParseError.Kind.MALFORMED_TOOL_CALL);

        ChatOutput dup = ChatOutputParser.parse(
                "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n"
                        + "<｜DSML｜parameter name=\"a\" string=\"true\">1</｜DSML｜parameter>\n"
                        + "<｜DSML｜parameter name=\"a\" string=\"true\">2</｜DSML｜parameter>\n"
                        + "</｜DSML｜invoke>\n</｜DSML｜tool_calls>",
                false);
        assertThat(dup.error().orElseThrow().kind()).isEqualTo(ChatParseError.Kind.DUPLICATE_PARAMETER);
    }

    @Test
    void endInsideReasoningAndTrailingTextAreTypedErrors() {
        assertThat(ChatOutputParser.parse("hmm<｜end▁of▁sentence｜>", true)
                        .error()
                        .orElseThrow()
                        .kind())
                .isEqualTo(ChatParseError.Kind.MISSING_THINKING_END);
        ChatOutput trailing = ChatOutputParser.parse(
                "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>oops", false);
        assertThat(trailing.toolCalls()).hasSize(1);
        assertThat(trailing.error().orElseThrow().kind()).isEqualTo(ChatParseError.Kind.TRAILING_TEXT);
        assertThat(trailing.content()).isEqualTo("oops");
        assertThat(ChatOutputParser.parse("a</think>b<think>c", true)
                        .error()
                        .orElseThrow()
                        .kind())
                .isEqualTo(ChatParseError.Kind.UNEXPECTED_SPECIAL_TOKEN);
    }

    @Test
    void toolBlockInsideReasoningEndsTheReasoning() {
        ChatOutput out = ChatOutputParser.parse(
                "plan\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>"
                        + "<｜end▁of▁sentence｜>",
                true);
        assertThat(out.reasoningContent()).isEqualTo("plan");
        assertThat(out.toolCalls()).extracting(ToolCall::name).containsExactly("f");
        assertThat(out.error()).isEmpty();
    }

    /** Every way of cutting the text into two chunks, and one char at a time, gives the whole-text result. */
    @Test
    void streamingAgreesWithWholeParseAtEverySplitAndNeverShowsHalfAMarker() throws IOException {
        String p1 = ReferenceFixturesTest.text("test_output_1.txt");
        int start = p1.indexOf(MARKER) + MARKER.length();
        List<String> texts = List.of(
                p1.substring(start, p1.indexOf("<｜User｜>", start)),
                p1.substring(p1.lastIndexOf(MARKER) + MARKER.length()),
                "a</think>b\n\nc\n<｜end▁of▁sentence｜>",
                "x\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n<｜DSML｜parameter name=\"n\" string=\"false\">[1"
                        + "</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls><｜end▁of▁sentence｜>");
        List<String> all = new ArrayList<>(texts);
        CUTS.forEach(c -> all.add("x" + c.getFirst()));
        all.add("x" + BLOCK + INVOKE_F + PARAM_A + "<｜end▁of▁sentence｜>tail");
        for (String text : all) {
            ChatOutputParser wholeParser = new ChatOutputParser(true, ids());
            wholeParser.append(text);
            wholeParser.finish();
            ChatOutput whole = wholeParser.result();
            for (int cut = 0; cut <= text.length(); cut++) {
                assertSameAsWhole(whole, List.of(text.substring(0, cut), text.substring(cut)));
            }
            List<String> chars = new ArrayList<>();
            text.codePoints().forEach(c -> chars.add(Character.toString(c)));
            assertSameAsWhole(whole, chars);
        }
    }

    private static void assertSameAsWhole(ChatOutput whole, List<String> chunks) {
        ChatOutputParser p = new ChatOutputParser(true, ids());
        List<ChatDelta> deltas = new ArrayList<>();
        for (String c : chunks) {
            deltas.addAll(p.append(c));
        }
        deltas.addAll(p.finish());
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (ChatDelta d : deltas) {
            switch (d) {
                case ChatDelta.Content c -> content.append(c.text());
                case ChatDelta.Reasoning r -> reasoning.append(r.text());
                case ChatDelta.ToolCallDelta t -> calls.add(t.call());
                case ChatDelta.Problem e -> {}
            }
            boolean cutOff = whole.error()
                    .filter(e -> e.kind() == ChatParseError.Kind.UNCLOSED_TOOL_CALLS)
                    .isPresent();
            if (d instanceof ChatDelta.Content(String t) && (whole.error().isEmpty() || cutOff)) {
                assertThat(t).doesNotContain("｜").doesNotEndWith("<");
            }
            if (d instanceof ChatDelta.Reasoning(String t)) {
                assertThat(t).doesNotContain("｜").doesNotContain("</");
            }
        }
        assertThat(content.toString()).isEqualTo(whole.content());
        assertThat(reasoning.toString()).isEqualTo(whole.reasoningContent());
        assertThat(calls).isEqualTo(whole.toolCalls());
        assertThat(p.result()).isEqualTo(whole);
    }

    @Test
    void textAfterEndOfSequenceIsReportedOnceAndDropped() {
        ChatOutputParser p = new ChatOutputParser(false, ids());
        List<ChatDelta> deltas = new ArrayList<>(p.append("hi<｜end▁of▁sentence｜>x"));
        deltas.addAll(p.append("y"));
        deltas.addAll(p.finish());
        assertThat(deltas.stream().filter(d -> d instanceof ChatDelta.Problem)).hasSize(1);
        assertThat(p.result().content()).isEqualTo("hi");
        assertThat(p.result().endOfSequence()).isTrue();
        assertThat(p.result().error().orElseThrow().kind()).isEqualTo(ChatParseError.Kind.TRAILING_TEXT);
    }

    /** JSON checks for argument strings. */
    private static final class JsonAssert {
        private static final ObjectMapper JSON = new ObjectMapper();

        static boolean objectNode(String text) {
            try {
                return JSON.readTree(text).isObject();
            } catch (IOException e) {
                return false;
            }
        }
    }
}
