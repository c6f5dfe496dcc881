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
 * 600 random conversations (every role, tools on system and developer messages, tool results out of call order, tasks,
 * wo_eos, chat/thinking, drop_thinking on/off, reasoning effort) rendered by DeepSeek's reference encoder
 * ({@code tools/make_chat_reference_cases.py} ran {@code encoding_dsv4.py}; data in {@code reference-cases.jsonl.gz}):
 * ChatEncoder must produce the same prompts byte for byte.
 */
class ReferenceEncoderCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rendersEveryReferenceCaseIdentically() throws IOException {
        ChatEncoder encoder = ChatEncoder.deepSeekV4();
        List<String> differences = new ArrayList<>();
        int cases = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(getClass().getResourceAsStream("reference-cases.jsonl.gz")),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                cases++;
                JsonNode c = JSON.readTree(line);
                ReasoningEffort effort = c.get("reasoning_effort").isNull()
                        ? ReasoningEffort.DEFAULT
                        : ReasoningEffort.valueOf(
                                c.get("reasoning_effort").asText().toUpperCase(java.util.Locale.ROOT));
                ChatOptions options = new ChatOptions(
                        c.get("thinking_mode").asText().equals("thinking"),
                        effort,
                        c.get("drop_thinking").asBoolean(),
                        true);
                String actual = encoder.render(ChatMessage.listFromJson(c.get("messages")), List.of(), options);
                String expected = c.get("prompt").asText();
                if (!actual.equals(expected)) {
                    int at = 0;
                    while (at < Math.min(actual.length(), expected.length())
                            && actual.charAt(at) == expected.charAt(at)) {
                        at++;
                    }
                    differences.add("case " + cases + " differs at char " + at + ": ours "
                            + JSON.writeValueAsString(actual.substring(at, Math.min(actual.length(), at + 60)))
                            + " reference "
                            + JSON.writeValueAsString(expected.substring(at, Math.min(expected.length(), at + 60))));
                }
            }
        }
        assertThat(cases).isEqualTo(600);
        assertThat(differences).isEmpty();
    }
}
