package io.ascendant.tokenizer.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * 300 assistant turns written in the V4 output format and parsed by DeepSeek's reference parser
 * ({@code parse_message_from_completion_text}; data in {@code reference-completions.jsonl.gz}): the whole-text parser
 * and the streaming parser (fed 3 characters at a time) must give the reference's content, reasoning and tool calls.
 */
class ReferenceParserCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void parsesEveryReferenceCompletionIdentically() throws IOException {
        int cases = 0;
        List<String> differences = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(getClass().getResourceAsStream("reference-completions.jsonl.gz")),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                cases++;
                JsonNode c = JSON.readTree(line);
                boolean thinking = c.get("thinking_mode").asText().equals("thinking");
                String completion = c.get("completion").asText();
                List<List<String>> expectedCalls = new ArrayList<>();
                c.get("tool_calls")
                        .forEach(t -> expectedCalls.add(
                                List.of(t.get(0).asText(), t.get(1).asText())));

                ChatOutput whole = ChatOutputParser.parse(completion, thinking);
                ChatOutputParser streaming = new ChatOutputParser(thinking);
                for (int i = 0; i < completion.length(); i += 3) {
                    streaming.append(completion.substring(i, Math.min(completion.length(), i + 3)));
                }
                streaming.finish();
                for (ChatOutput out : List.of(whole, streaming.result())) {
                    List<List<String>> calls = new ArrayList<>();
                    out.toolCalls().forEach(t -> calls.add(List.of(t.name(), t.arguments())));
                    if (!out.content().equals(c.get("content").asText())
                            || !out.reasoningContent()
                                    .equals(c.get("reasoning_content").asText())
                            || !calls.equals(expectedCalls)
                            || out.error().isPresent()
                            || !out.endOfSequence()) {
                        differences.add("case " + cases + ": " + out + " expected " + line);
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(300);
        assertThat(differences).isEmpty();
    }
}
