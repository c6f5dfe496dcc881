package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.modelhost.server.loading.ModelHost;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import io.ascendant.tokenizer.chat.ForcedToolCall;
import io.ascendant.tokenizer.chat.ReasoningEffort;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The chat-only prompt fields of {@code /v1/chat/completions}: {@code messages}, thinking ({@code thinking} or
 * {@code chat_template_kwargs}), {@code reasoning_effort}, {@code tools} and {@code tool_choice}, checked and encoded
 * with the V4 chat encoding. A bad value is a 400 naming the field; a conversation the encoder rejects is a 400 on
 * {@code messages}. {@code tool_choice} {@code "required"} or a named function is honoured by writing the tool-call
 * block's opening into the prompt ({@link ForcedToolCall}).
 */
final class ChatPromptReader {
    /**
     * The encoded chat prompt.
     *
     * @param ids prompt token ids, BOS first
     * @param thinking whether the prompt opened a reasoning block
     * @param tools the tool definitions rendered into the prompt (empty with {@code tool_choice: "none"})
     * @param assistantPrefill what the prompt already wrote of the assistant's answer after the turn's opening, to be
     *     fed to the output parser before the generated text: the tool-call block's opening when {@code tool_choice}
     *     forces a call ({@link ForcedToolCall}), else empty
     */
    record ChatPrompt(int[] ids, boolean thinking, List<JsonNode> tools, String assistantPrefill) {}

    private ChatPromptReader() {}

    static ChatPrompt read(JsonNode body, ModelHost host) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw OpenAiException.badRequest("messages", "messages must be a non-empty array.");
        }
        List<ChatMessage> msgs;
        try {
            msgs = ChatMessage.listFromJson(messages);
        } catch (IllegalArgumentException e) {
            throw OpenAiException.badRequest("messages", e.getMessage());
        }
        boolean thinking = thinking(body);
        ReasoningEffort effort = effort(body);
        JsonNode tn = body.get("tools");
        List<JsonNode> tl = new ArrayList<>();
        if (tn != null && !tn.isNull()) {
            if (!tn.isArray()) {
                throw OpenAiException.badRequest("tools", "tools must be an array.");
            }
            for (JsonNode t : tn) {
                if (!t.isObject()
                        || !"function".equals(t.path("type").asText())
                        || !t.path("function").path("name").isTextual()) {
                    throw OpenAiException.badRequest(
                            "tools", "Each tool must be {\"type\":\"function\",\"function\":{\"name\":..}}.");
                }
                tl.add(t);
            }
        }
        String prefill = "";
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            String c = choice.isTextual() ? choice.asText() : "";
            if (c.equals("none")) {
                tl.clear();
            } else if (c.equals("required")) {
                prefill = ForcedToolCall.opening(thinking, null);
            } else if (choice.isObject()) {
                prefill = ForcedToolCall.opening(thinking, namedFunction(choice, tl));
            } else if (!c.equals("auto")) {
                throw OpenAiException.badRequest(
                        "tool_choice",
                        "tool_choice must be \"auto\", \"none\", \"required\" or"
                                + " {\"type\":\"function\",\"function\":{\"name\":..}}.");
            }
            if (!prefill.isEmpty() && tl.isEmpty()) {
                throw OpenAiException.badRequest(
                        "tool_choice", "tool_choice forces a tool call but no tools are given.");
            }
        }
        ChatOptions options =
                (thinking ? ChatOptions.thinkingMode() : ChatOptions.chatMode()).withReasoningEffort(effort);
        int[] ids;
        try {
            // Forced tool use: the prompt goes on with the tool-call block's opening, so the model can only continue
            // inside it (there is no constrained decoding on this host).
            ids = host.encoder().tokenizer().encode(host.encoder().render(msgs, tl, options) + prefill);
        } catch (IllegalArgumentException e) {
            throw OpenAiException.badRequest("messages", e.getMessage());
        }
        return new ChatPrompt(ids, thinking, tl, prefill);
    }

    /** The function of {@code {"type":"function","function":{"name":..}}}; it must be one of {@code tools}. */
    private static String namedFunction(JsonNode choice, List<JsonNode> tools) {
        JsonNode name = choice.path("function").get("name");
        if (!"function".equals(choice.path("type").asText()) || name == null || !name.isTextual()) {
            throw OpenAiException.badRequest(
                    "tool_choice", "tool_choice must be {\"type\":\"function\",\"function\":{\"name\":..}}.");
        }
        boolean offered = false;
        for (JsonNode t : tools) {
            offered |= name.asText().equals(t.path("function").path("name").asText());
        }
        if (!offered) {
            throw OpenAiException.badRequest(
                    "tool_choice", "tool_choice names the function '" + name.asText() + "', which is not in tools.");
        }
        String n = name.asText();
        if (n.chars().anyMatch(ch -> ch == '"' || ch == '<' || ch == '>' || ch == '\n' || ch == '\r')) {
            throw OpenAiException.badRequest(
                    "tool_choice", "tool_choice can force a function whose name has no \", <, > or line break only.");
        }
        return n;
    }

    private static boolean thinking(JsonNode body) {
        boolean thinking = false;
        JsonNode t = body.get("thinking");
        if (t != null && !t.isNull()) {
            String type = t.path("type").asText("");
            if (!t.isObject() || !(type.equals("enabled") || type.equals("disabled"))) {
                throw OpenAiException.badRequest("thinking", "thinking must be {\"type\":\"enabled\"|\"disabled\"}.");
            }
            thinking = type.equals("enabled");
        }
        JsonNode k = body.get("chat_template_kwargs");
        if (k != null && !k.isNull()) {
            if (!k.isObject()) {
                throw OpenAiException.badRequest("chat_template_kwargs", "chat_template_kwargs must be an object.");
            }
            for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("thinking") && !f.equals("enable_thinking")) {
                    throw OpenAiException.badRequest(
                            "chat_template_kwargs." + f, "Unknown parameter: 'chat_template_kwargs." + f + "'.");
                }
                if (!k.get(f).isBoolean()) {
                    throw OpenAiException.badRequest(
                            "chat_template_kwargs." + f, "chat_template_kwargs." + f + " must be a boolean.");
                }
                thinking = k.get(f).asBoolean();
            }
        }
        return thinking;
    }

    private static ReasoningEffort effort(JsonNode body) {
        JsonNode e = body.get("reasoning_effort");
        if (e == null || e.isNull()) {
            return ReasoningEffort.DEFAULT;
        }
        return switch (e.asText("")) {
            case "minimal", "low", "medium" -> ReasoningEffort.DEFAULT;
            case "high" -> ReasoningEffort.HIGH;
            case "max", "xhigh" -> ReasoningEffort.MAX;
            default ->
                throw OpenAiException.badRequest(
                        "reasoning_effort", "reasoning_effort must be one of low, medium, high, max.");
        };
    }
}
