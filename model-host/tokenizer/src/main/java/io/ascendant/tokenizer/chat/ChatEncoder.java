package io.ascendant.tokenizer.chat;

import static io.ascendant.tokenizer.chat.ChatTurns.nz;
import static io.ascendant.tokenizer.chat.V4Markers.ASSISTANT;
import static io.ascendant.tokenizer.chat.V4Markers.BOS;
import static io.ascendant.tokenizer.chat.V4Markers.EOS;
import static io.ascendant.tokenizer.chat.V4Markers.LATEST_REMINDER;
import static io.ascendant.tokenizer.chat.V4Markers.THINK_END;
import static io.ascendant.tokenizer.chat.V4Markers.THINK_START;
import static io.ascendant.tokenizer.chat.V4Markers.USER;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.chat.ChatTurns.Block;
import io.ascendant.tokenizer.chat.ChatTurns.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * DeepSeek V4's prompt format: renders a conversation to the prompt text and its token ids, following the rules of the
 * reference {@code encoding/encoding_dsv4.py} ({@code encode_messages}) exactly; V4 has no Jinja chat template.
 *
 * <p>The rules, in short: BOS, then every message with no separators. System text (plus a tools block and a response
 * format if attached); {@code <｜User｜>text}; {@code <｜latest_reminder｜>text}; assistant turns
 * {@code [reasoning</think>]content[\n\n<｜DSML｜tool_calls>...]<｜end▁of▁sentence｜>}. After a user (or developer)
 * message that is last or followed by an assistant/latest_reminder message comes {@code <｜Assistant｜>} and then
 * {@code <think>} (thinking mode, for the last user turn) or {@code </think>}. Tool results are not a role of their own:
 * consecutive tool messages merge into one user turn of {@code <tool_result>...</tool_result>} blocks (blank line between),
 * ordered as the preceding assistant's calls, and a following user message joins that turn. In thinking mode the
 * reasoning of turns before the last user message is dropped, unless any message carries tools.
 *
 * <p>Request-level tools ({@link #render(List, List, ChatOptions)}) are attached as vLLM's DeepSeek V4 mode does: to the
 * first system or developer message, or to a new empty system message at the start.
 *
 * <p>Merging tool messages and dropping earlier reasoning is {@link ChatTurns}; the DSML markup of tools and tool calls is
 * {@link DsmlWriter}; this class renders the turns in order.
 *
 * <p>Token ids are {@code tokenizer.encode(prompt)}: markers written in the text (also inside user content) become their
 * special tokens, exactly as the reference pipeline tokenizes the rendered string.
 *
 * <p>Threading: immutable; safe to share.
 */
public final class ChatEncoder {
    private static final Map<String, String> TASK_TOKENS = Map.of(
            "action", "<｜action｜>",
            "query", "<｜query｜>",
            "authority", "<｜authority｜>",
            "domain", "<｜domain｜>",
            "title", "<｜title｜>",
            "read_url", "<｜read_url｜>");

    static final String REASONING_EFFORT_MAX = "Reasoning Effort: Absolute maximum with no shortcuts permitted.\n"
            + "You MUST be very thorough in your thinking and comprehensively decompose the problem to resolve the root"
            + " cause, rigorously stress-testing your logic against all potential paths, edge cases, and adversarial"
            + " scenarios.\n"
            + "Explicitly write out your entire deliberation process, documenting every intermediate step, considered"
            + " alternative, and rejected hypothesis to ensure absolutely no assumption is left unchecked.\n\n";

    private static final String RESPONSE_FORMAT =
            "## Response Format:\n\nYou MUST strictly adhere to the following schema to reply:\n";

    private final Tokenizer tokenizer;

    public ChatEncoder(Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /** The encoder over {@link Tokenizer#deepSeekV4()}. */
    public static ChatEncoder deepSeekV4() {
        return new ChatEncoder(Tokenizer.deepSeekV4());
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The prompt text of a conversation.
     *
     * @param messages the conversation, oldest first (tool definitions may be attached to messages)
     * @param tools request-level OpenAI tool definitions (may be empty), attached as described in the class comment
     * @param options thinking/chat mode, reasoning effort, reasoning dropping, BOS
     * @throws IllegalArgumentException for a message the reference rejects (unknown role or task, empty developer
     *     message, tool-call arguments that are JSON but not an object)
     */
    public String render(List<ChatMessage> messages, List<JsonNode> tools, ChatOptions options) {
        return encodeMessages(attachTools(messages, tools), options);
    }

    /** {@link #render(List, List, ChatOptions)} with thinking on or off and the other options at their defaults. */
    public String render(List<ChatMessage> messages, List<JsonNode> tools, boolean thinking) {
        return render(messages, tools, thinking ? ChatOptions.thinkingMode() : ChatOptions.chatMode());
    }

    /** Token ids of {@link #render(List, List, ChatOptions)}, starting with BOS (id 0) unless disabled. */
    public int[] encode(List<ChatMessage> messages, List<JsonNode> tools, ChatOptions options) {
        return tokenizer.encode(render(messages, tools, options));
    }

    /** {@link #encode(List, List, ChatOptions)} with thinking on or off and the other options at their defaults. */
    public int[] encode(List<ChatMessage> messages, List<JsonNode> tools, boolean thinking) {
        return encode(messages, tools, thinking ? ChatOptions.thinkingMode() : ChatOptions.chatMode());
    }

    /**
     * Number of prompt tokens of {@link #render(List, List, ChatOptions)}, without building the id array (what the
     * gateway holds quota for).
     */
    public int countTokens(List<ChatMessage> messages, List<JsonNode> tools, ChatOptions options) {
        return tokenizer.countTokens(render(messages, tools, options));
    }

    private static List<ChatMessage> attachTools(List<ChatMessage> messages, List<JsonNode> tools) {
        if (tools == null || tools.isEmpty()) {
            return messages;
        }
        List<ChatMessage> out = new ArrayList<>(messages);
        for (int i = 0; i < out.size(); i++) {
            ChatMessage m = out.get(i);
            if (m.role().equals("system") || m.role().equals("developer")) {
                List<JsonNode> all = new ArrayList<>(m.tools());
                all.addAll(tools);
                out.set(i, m.withTools(all));
                return out;
            }
        }
        out.addFirst(ChatMessage.system("").withTools(tools));
        return out;
    }

    private String encodeMessages(List<ChatMessage> messages, ChatOptions options) {
        ChatTurns conversation = ChatTurns.prepare(messages, options);
        StringBuilder prompt = new StringBuilder();
        if (options.addBos()) {
            prompt.append(BOS);
        }
        for (int i = 0; i < conversation.turns().size(); i++) {
            renderMessage(i, conversation, options, prompt);
        }
        return prompt.toString();
    }

    private void renderMessage(int index, ChatTurns conversation, ChatOptions options, StringBuilder prompt) {
        List<Turn> turns = conversation.turns();
        boolean drop = conversation.dropThinking();
        int lastUser = conversation.lastUser();
        Turn t = turns.get(index);
        ChatMessage m = t.m;
        boolean thinking = options.thinking();
        if (index == 0 && thinking && options.reasoningEffort() == ReasoningEffort.MAX) {
            prompt.append(REASONING_EFFORT_MAX);
        }
        switch (m.role()) {
            case "system" -> {
                prompt.append(nz(m.content()));
                appendToolsAndFormat(m, prompt);
            }
            case "developer" -> {
                if (m.content() == null || m.content().isEmpty()) {
                    throw new IllegalArgumentException("a developer message needs content");
                }
                prompt.append(USER).append(m.content());
                appendToolsAndFormat(m, prompt);
            }
            case "user" -> {
                prompt.append(USER);
                if (t.blocks != null && !t.blocks.isEmpty()) {
                    for (int i = 0; i < t.blocks.size(); i++) {
                        if (i > 0) {
                            prompt.append("\n\n");
                        }
                        Block b = t.blocks.get(i);
                        if (b.toolResult()) {
                            prompt.append("<tool_result>").append(b.text()).append("</tool_result>");
                        } else {
                            prompt.append(b.text());
                        }
                    }
                } else {
                    prompt.append(nz(m.content()));
                }
            }
            case "latest_reminder" -> prompt.append(LATEST_REMINDER).append(nz(m.content()));
            case "assistant" -> {
                boolean prevHasTask = index > 0 && turns.get(index - 1).m.task() != null;
                if (thinking && !prevHasTask && (!drop || index > lastUser)) {
                    prompt.append(nz(t.reasoning)).append(THINK_END);
                }
                prompt.append(nz(m.content()));
                if (!m.toolCalls().isEmpty()) {
                    DsmlWriter.appendToolCalls(m.toolCalls(), prompt);
                }
                if (!m.withoutEos()) {
                    prompt.append(EOS);
                }
            }
            default -> throw new IllegalArgumentException("unknown message role \"" + m.role() + "\"");
        }

        if (index + 1 < turns.size()) {
            String nextRole = turns.get(index + 1).role();
            if (!nextRole.equals("assistant") && !nextRole.equals("latest_reminder")) {
                return;
            }
        }
        String task = m.task();
        if (task != null) {
            String token = TASK_TOKENS.get(task);
            if (token == null) {
                throw new IllegalArgumentException(
                        "unknown task \"" + task + "\"; valid tasks: " + TASK_TOKENS.keySet());
            }
            if (!task.equals("action")) {
                prompt.append(token);
            } else {
                prompt.append(ASSISTANT)
                        .append(thinking ? THINK_START : THINK_END)
                        .append(token);
            }
        } else if (m.role().equals("user") || m.role().equals("developer")) {
            prompt.append(ASSISTANT);
            boolean open = thinking && (!drop || index >= lastUser);
            prompt.append(open ? THINK_START : THINK_END);
        }
    }

    private static void appendToolsAndFormat(ChatMessage m, StringBuilder prompt) {
        if (!m.tools().isEmpty()) {
            prompt.append("\n\n").append(DsmlWriter.renderTools(m.tools()));
        }
        // Python truthiness, as the reference's "if response_format:": null, {} and [] render nothing.
        JsonNode format = m.responseFormat();
        if (format != null && !format.isNull() && !(format.isContainerNode() && format.isEmpty())) {
            prompt.append("\n\n").append(RESPONSE_FORMAT).append(PythonJson.dumps(m.responseFormat()));
        }
    }
}
