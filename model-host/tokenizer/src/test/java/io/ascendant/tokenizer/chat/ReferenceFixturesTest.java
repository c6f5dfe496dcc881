package io.ascendant.tokenizer.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The four official fixtures of DeepSeek V4's reference encoder ({@code encoding/tests}), run as the reference test
 * does; plus the token ids of each rendered prompt decode back to the exact text.
 */
class ReferenceFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ChatEncoder encoder = ChatEncoder.deepSeekV4();
    private final Tokenizer tokenizer = Tokenizer.deepSeekV4();

    static JsonNode json(String name) throws IOException {
        try (InputStream in = ReferenceFixturesTest.class.getResourceAsStream("dsv4/" + name)) {
            return JSON.readTree(in);
        }
    }

    static String text(String name) throws IOException {
        try (InputStream in = ReferenceFixturesTest.class.getResourceAsStream("dsv4/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void assertRoundTrips(String prompt) {
        int[] ids = encoder.encode(List.of(), List.of(), ChatOptions.chatMode()); // BOS only
        assertThat(ids).containsExactly(0);
        assertThat(tokenizer.decode(tokenizer.encode(prompt))).isEqualTo(prompt);
    }

    @Test
    void rendersThinkingConversationWithToolsAsFixture1() throws IOException {
        JsonNode input = json("test_input_1.json");
        List<ChatMessage> messages = new ArrayList<>(ChatMessage.listFromJson(input.get("messages")));
        List<JsonNode> tools = new ArrayList<>();
        input.get("tools").forEach(tools::add);
        messages.set(0, messages.getFirst().withTools(tools));

        String prompt = encoder.render(messages, List.of(), ChatOptions.thinkingMode());

        assertThat(prompt).isEqualTo(text("test_output_1.txt"));
        assertRoundTrips(prompt);
    }

    @Test
    void requestLevelToolsAttachToTheSystemMessageAsFixture1() throws IOException {
        JsonNode input = json("test_input_1.json");
        List<JsonNode> tools = new ArrayList<>();
        input.get("tools").forEach(tools::add);

        String prompt = encoder.render(ChatMessage.listFromJson(input.get("messages")), tools, true);

        assertThat(prompt).isEqualTo(text("test_output_1.txt"));
    }

    @Test
    void dropsEarlierReasoningAsFixture2() throws IOException {
        String prompt = encoder.render(ChatMessage.listFromJson(json("test_input_2.json")), List.of(), true);

        assertThat(prompt).isEqualTo(text("test_output_2.txt")).doesNotContain("The user said hello");
        assertRoundTrips(prompt);
    }

    @Test
    void rendersDeveloperToolsAndLatestReminderAsFixture3() throws IOException {
        String prompt = encoder.render(ChatMessage.listFromJson(json("test_input_3.json")), List.of(), true);

        assertThat(prompt).isEqualTo(text("test_output_3.txt"));
        assertRoundTrips(prompt);
    }

    @Test
    void rendersActionTaskInChatModeAsFixture4() throws IOException {
        String prompt = encoder.render(ChatMessage.listFromJson(json("test_input_4.json")), List.of(), false);

        assertThat(prompt).isEqualTo(text("test_output_4.txt"));
        assertRoundTrips(prompt);
    }
}
