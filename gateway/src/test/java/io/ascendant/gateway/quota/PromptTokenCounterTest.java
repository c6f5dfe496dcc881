package io.ascendant.gateway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTokenCounterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PromptTokenCounter counter = new PromptTokenCounter();

    @Test
    void countsChatPromptsExactlyAsTheHostEncodesThem() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("""
                {"model":"deepseek-v4-flash","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","content":"Wie viele Tokens hat dieser Satz? 数一数。"}]}
                """);
        int[] ids = ChatEncoder.deepSeekV4()
                .encode(ChatMessage.listFromJson(body.get("messages")), List.of(), ChatOptions.chatMode());
        assertThat(counter.count(body, -1)).isEqualTo(ids.length).isGreaterThan(10);
    }

    @Test
    void thinkingModeIsCountedWithItsTemplate() throws Exception {
        ObjectNode chat = (ObjectNode) JSON.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        ObjectNode thinking = chat.deepCopy();
        thinking.putObject("thinking").put("type", "enabled");
        int[] ids = ChatEncoder.deepSeekV4()
                .encode(ChatMessage.listFromJson(chat.get("messages")), List.of(), ChatOptions.thinkingMode());
        assertThat(counter.count(thinking, -1)).isEqualTo(ids.length);
    }

    @Test
    void countsCompletionPromptsWithTheTokenizer() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("{\"prompt\":\"Once upon a time\"}");
        assertThat(counter.count(body, -1))
                .isEqualTo(ChatEncoder.deepSeekV4().tokenizer().countTokens("Once upon a time"));
    }

    @Test
    void fallsBackToTheEstimateForAnUncountableBody() throws Exception {
        assertThat(counter.count(null, 42)).isEqualTo(42);
        ObjectNode bad = (ObjectNode) JSON.readTree("{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}");
        assertThat(counter.count(bad, 7)).isEqualTo(7);
    }
}
