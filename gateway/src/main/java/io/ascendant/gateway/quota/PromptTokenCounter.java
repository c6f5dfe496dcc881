package io.ascendant.gateway.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Counts a request's prompt tokens exactly, with the shared V4 tokenizer and chat encoding (contract 4), from the
 * OpenAI-style body the gateway sends to the host: {@code messages} (+ {@code tools}) rendered by
 * {@link ChatEncoder}, or a completions {@code prompt} string. Thinking mode follows the body's
 * {@code thinking.type}. A body the encoder rejects falls back to the caller's estimate (the host will refuse such a
 * request anyway, and the settlement uses the host's count).
 *
 * <p>Loads the tokenizer on first use (once per process); CPU-bound, so call it off the event loop. Thread-safe.
 */
@ApplicationScoped
public class PromptTokenCounter {

    private static final Logger LOG = Logger.getLogger(PromptTokenCounter.class);

    private volatile ChatEncoder encoder;

    /**
     * The prompt's token count, or {@code fallback} when the body is absent or not countable.
     *
     * @param body the host body, or null
     */
    public long count(ObjectNode body, long fallback) {
        if (body == null) {
            return fallback;
        }
        try {
            JsonNode messages = body.get("messages");
            if (messages != null && messages.isArray()) {
                List<JsonNode> tools = new ArrayList<>();
                JsonNode t = body.get("tools");
                if (t != null && t.isArray()) {
                    t.forEach(tools::add);
                }
                boolean thinking =
                        "enabled".equals(body.path("thinking").path("type").asText(null));
                return encoder()
                        .countTokens(
                                ChatMessage.listFromJson(messages),
                                tools,
                                thinking ? ChatOptions.thinkingMode() : ChatOptions.chatMode());
            }
            JsonNode prompt = body.get("prompt");
            if (prompt != null && prompt.isTextual()) {
                return encoder().tokenizer().countTokens(prompt.asText());
            }
        } catch (NonBlockingAdmission.WouldBlock e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debugf("prompt not countable, using the estimate: %s", e.getMessage());
        }
        return fallback;
    }

    private ChatEncoder encoder() {
        ChatEncoder e = encoder;
        if (e == null) {
            NonBlockingAdmission.mayBlock("tokenizer not loaded yet");
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
