package io.ascendant.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import io.ascendant.tokenizer.chat.ReasoningEffort;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts with the shared DeepSeek V4 tokenizer and chat encoding (contract 4), loaded once per process on a
 * background thread at start-up (loading takes seconds and must never happen on an event loop). A chat prompt is
 * counted as the host encodes it: {@link ChatEncoder} with the body's tools ({@code tool_choice: "none"} drops them),
 * thinking mode ({@code thinking.type} or {@code chat_template_kwargs.thinking}/{@code enable_thinking}) and reasoning
 * effort, so the count includes the template's special tokens. A body the encoder refuses (the host refuses it too) is
 * counted as plain text. Counting runs on the calling thread: the data path counts every prompt once, before its
 * context-length check and admission (long prompts on a worker), and counts output only when a host omits usage or
 * dies mid-stream.
 */
@ApplicationScoped
public class TokenizerTokenCounter implements TokenCounter {
    private volatile ChatEncoder encoder;

    void preload(@Observes StartupEvent ev) {
        Thread.ofVirtual().name("tokenizer-preload").start(this::encoder);
    }

    @Override
    public long count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return tokenizer().countTokens(text);
    }

    /** The tokenizer's own cuts ({@link Tokenizer#lastCountCut}): exact, whatever the text goes on with. */
    @Override
    public int lastCut(CharSequence text, int from) {
        return tokenizer().lastCountCut(text, from);
    }

    @Override
    public long countPrompt(ObjectNode hostBody, String promptText) {
        if (hostBody != null) {
            JsonNode messages = hostBody.get("messages");
            if (messages != null && messages.isArray()) {
                try {
                    return encoder()
                            .countTokens(ChatMessage.listFromJson(messages), tools(hostBody), options(hostBody));
                } catch (RuntimeException e) {
                    // Every request is counted before admission: a body the encoder cannot take must not fail it.
                    Log.debugf("Chat prompt not renderable, counted as plain text: %s", e.getMessage());
                }
            } else if (hostBody.get("prompt") instanceof JsonNode prompt && prompt.isTextual()) {
                return count(prompt.asText());
            }
        }
        return count(promptText);
    }

    private static List<JsonNode> tools(ObjectNode body) {
        JsonNode choice = body.get("tool_choice");
        JsonNode tools = body.get("tools");
        if (tools == null || !tools.isArray() || (choice != null && "none".equals(choice.asText()))) {
            return List.of();
        }
        List<JsonNode> list = new ArrayList<>(tools.size());
        tools.forEach(list::add);
        return list;
    }

    /** Thinking mode and reasoning effort as a V4 host reads them from the body. */
    private static ChatOptions options(ObjectNode body) {
        boolean thinking = "enabled".equals(body.path("thinking").path("type").asText(""));
        JsonNode kwargs = body.path("chat_template_kwargs");
        for (String flag : new String[] {"thinking", "enable_thinking"}) {
            if (kwargs.path(flag).isBoolean()) {
                thinking = kwargs.path(flag).asBoolean();
            }
        }
        ReasoningEffort effort = switch (body.path("reasoning_effort").asText("")) {
            case "high" -> ReasoningEffort.HIGH;
            case "max", "xhigh" -> ReasoningEffort.MAX;
            default -> ReasoningEffort.DEFAULT;
        };
        return (thinking ? ChatOptions.thinkingMode() : ChatOptions.chatMode()).withReasoningEffort(effort);
    }

    @Override
    public boolean ready() {
        return encoder != null;
    }

    private Tokenizer tokenizer() {
        return encoder().tokenizer();
    }

    private ChatEncoder encoder() {
        ChatEncoder e = encoder;
        if (e == null) {
            synchronized (this) {
                e = encoder;
                if (e == null) {
                    e = ChatEncoder.deepSeekV4();
                    encoder = e;
                }
            }
        }
        return e;
    }
}
