package io.ascendant.tokenizer.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * <p>Token ids are {@code tokenizer.encode(prompt)}: markers written in the text (also inside user content) become their
 * special tokens, exactly as the reference pipeline tokenizes the rendered string.
 *
 * <p>Threading: immutable; safe to share.
 */
public final class ChatEncoder {
    static final String BOS = "<｜begin▁of▁sentence｜>";
    static final String EOS = "<｜end▁of▁sentence｜>";
    static final String THINK_START = "<think>";
    static final String THINK_END = "</think>";
    static final String DSML = "｜DSML｜";
    static final String USER = "<｜User｜>";
    static final String ASSISTANT = "<｜Assistant｜>";
    static final String LATEST_REMINDER = "<｜latest_reminder｜>";

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

    /** Parses tool-call arguments as Python's json.loads would: whole text only, NaN/Infinity accepted. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

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

    // ---- encode_messages --------------------------------------------------------------------------------------

    /** A message after tool merging: user turns carry content blocks. */
    private record Block(boolean toolResult, String text, String toolUseId) {}

    private static final class Turn {
        final ChatMessage m;
        String reasoning;
        List<Block> blocks; // user turns only (after merging); null otherwise

        Turn(ChatMessage m) {
            this.m = m;
            this.reasoning = m.reasoningContent();
        }

        String role() {
            return m.role();
        }
    }

    private String encodeMessages(List<ChatMessage> messages, ChatOptions options) {
        List<Turn> turns = mergeToolMessages(messages);
        sortToolResultsByCallOrder(turns);
        StringBuilder prompt = new StringBuilder();
        if (options.addBos()) {
            prompt.append(BOS);
        }
        boolean drop = options.dropThinking();
        for (Turn t : turns) {
            if (!t.m.tools().isEmpty()) {
                drop = false;
            }
        }
        if (options.thinking() && drop) {
            turns = dropThinking(turns);
        }
        for (int i = 0; i < turns.size(); i++) {
            renderMessage(i, turns, options, drop, prompt);
        }
        return prompt.toString();
    }

    private static List<Turn> mergeToolMessages(List<ChatMessage> messages) {
        List<Turn> merged = new ArrayList<>();
        for (ChatMessage m : messages) {
            Turn last = merged.isEmpty() ? null : merged.getLast();
            switch (m.role()) {
                case "tool" -> {
                    Block b = new Block(true, nz(m.content()), nz(m.toolCallId()));
                    if (last != null && last.role().equals("user") && last.blocks != null) {
                        last.blocks.add(b);
                    } else {
                        Turn t = new Turn(new ChatMessage("user", null, null, null, null, null, null, null, false));
                        t.blocks = new ArrayList<>(List.of(b));
                        merged.add(t);
                    }
                }
                case "user" -> {
                    Block b = new Block(false, nz(m.content()), null);
                    if (last != null && last.role().equals("user") && last.blocks != null && last.m.task() == null) {
                        last.blocks.add(b);
                    } else {
                        Turn t = new Turn(new ChatMessage(
                                "user", m.content(), null, null, null, null, null, m.task(), m.withoutEos()));
                        t.blocks = new ArrayList<>(List.of(b));
                        merged.add(t);
                    }
                }
                default -> merged.add(new Turn(m));
            }
        }
        return merged;
    }

    private static void sortToolResultsByCallOrder(List<Turn> turns) {
        Map<String, Integer> order = new HashMap<>();
        for (Turn t : turns) {
            if (t.role().equals("assistant") && !t.m.toolCalls().isEmpty()) {
                order = new HashMap<>();
                List<ToolCall> calls = t.m.toolCalls();
                for (int i = 0; i < calls.size(); i++) {
                    if (!calls.get(i).id().isEmpty()) {
                        order.put(calls.get(i).id(), i);
                    }
                }
            } else if (t.role().equals("user") && t.blocks != null) {
                List<Block> toolBlocks = new ArrayList<>();
                for (Block b : t.blocks) {
                    if (b.toolResult()) {
                        toolBlocks.add(b);
                    }
                }
                if (toolBlocks.size() > 1 && !order.isEmpty()) {
                    Map<String, Integer> o = order;
                    toolBlocks.sort(Comparator.comparingInt(b -> o.getOrDefault(b.toolUseId(), 0)));
                    int k = 0;
                    for (int i = 0; i < t.blocks.size(); i++) {
                        if (t.blocks.get(i).toolResult()) {
                            t.blocks.set(i, toolBlocks.get(k++));
                        }
                    }
                }
            }
        }
    }

    private static int lastUserIndex(List<Turn> turns) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            String r = turns.get(i).role();
            if (r.equals("user") || r.equals("developer")) {
                return i;
            }
        }
        return -1;
    }

    private static List<Turn> dropThinking(List<Turn> turns) {
        int lastUser = lastUserIndex(turns);
        List<Turn> out = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            Turn t = turns.get(i);
            String r = t.role();
            boolean keep = r.equals("user") || r.equals("system") || r.equals("tool") || r.equals("latest_reminder");
            if (keep || i >= lastUser) {
                out.add(t);
            } else if (r.equals("assistant")) {
                Turn copy = new Turn(t.m);
                copy.blocks = t.blocks;
                copy.reasoning = null;
                out.add(copy);
            }
            // developer messages (and unknown roles) before the last user message are dropped
        }
        return out;
    }

    private void renderMessage(int index, List<Turn> turns, ChatOptions options, boolean drop, StringBuilder prompt) {
        Turn t = turns.get(index);
        ChatMessage m = t.m;
        int lastUser = lastUserIndex(turns);
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
                    prompt.append("\n\n<").append(DSML).append("tool_calls>\n");
                    for (int i = 0; i < m.toolCalls().size(); i++) {
                        if (i > 0) {
                            prompt.append('\n');
                        }
                        ToolCall c = m.toolCalls().get(i);
                        prompt.append('<')
                                .append(DSML)
                                .append("invoke name=\"")
                                .append(c.name())
                                .append("\">\n");
                        appendArguments(c, prompt);
                        prompt.append("\n</").append(DSML).append("invoke>");
                    }
                    prompt.append("\n</").append(DSML).append("tool_calls>");
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
            prompt.append("\n\n").append(renderTools(m.tools()));
        }
        // Python truthiness, as the reference's "if response_format:": null, {} and [] render nothing.
        JsonNode format = m.responseFormat();
        if (format != null && !format.isNull() && !(format.isContainerNode() && format.isEmpty())) {
            prompt.append("\n\n").append(RESPONSE_FORMAT).append(PythonJson.dumps(m.responseFormat()));
        }
    }

    /** The tools block of the system prompt (the reference's TOOLS_TEMPLATE), one schema per line. */
    static String renderTools(List<JsonNode> tools) {
        StringBuilder schemas = new StringBuilder();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode function = tools.get(i).get("function");
            if (function == null) {
                throw new IllegalArgumentException("tools[" + i + "] has no \"function\" object");
            }
            if (i > 0) {
                schemas.append('\n');
            }
            schemas.append(PythonJson.dumps(function));
        }
        return "## Tools\n\n"
                + "You have access to a set of tools to help answer the user's question. You can invoke tools by writing"
                + " a \"<" + DSML + "tool_calls>\" block like the following:\n\n"
                + "<" + DSML + "tool_calls>\n"
                + "<" + DSML + "invoke name=\"$TOOL_NAME\">\n"
                + "<" + DSML + "parameter name=\"$PARAMETER_NAME\" string=\"true|false\">$PARAMETER_VALUE</" + DSML
                + "parameter>\n"
                + "...\n"
                + "</" + DSML + "invoke>\n"
                + "<" + DSML + "invoke name=\"$TOOL_NAME2\">\n"
                + "...\n"
                + "</" + DSML + "invoke>\n"
                + "</" + DSML + "tool_calls>\n\n"
                + "String parameters should be specified as is and set `string=\"true\"`. For all other types (numbers,"
                + " booleans, arrays, objects), pass the value in JSON format and set `string=\"false\"`.\n\n"
                + "If thinking_mode is enabled (triggered by " + THINK_START + "), you MUST output your complete"
                + " reasoning inside " + THINK_START + "..." + THINK_END
                + " BEFORE any tool calls or final response.\n\n"
                + "Otherwise, output directly after " + THINK_END + " with tool calls or final response.\n\n"
                + "### Available Tool Schemas\n\n"
                + schemas
                + "\n\nYou MUST strictly follow the above defined tool name and parameter schemas to invoke tool calls.\n";
    }

    /** DSML parameters of one call; arguments that are not JSON become one string parameter "arguments". */
    private static void appendArguments(ToolCall call, StringBuilder prompt) {
        JsonNode args;
        try {
            args = JSON.readTree(call.arguments());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            args = null;
        }
        if (args == null || args.isMissingNode()) {
            args = JSON.createObjectNode().put("arguments", call.arguments());
        }
        if (!args.isObject()) {
            throw new IllegalArgumentException(
                    "tool call \"" + call.name() + "\": arguments must be a JSON object, got " + args.getNodeType());
        }
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : args.properties()) {
            if (!first) {
                prompt.append('\n');
            }
            first = false;
            JsonNode v = e.getValue();
            prompt.append('<')
                    .append(DSML)
                    .append("parameter name=\"")
                    .append(e.getKey())
                    .append("\" string=\"")
                    .append(v.isTextual() ? "true" : "false")
                    .append("\">")
                    .append(v.isTextual() ? v.textValue() : PythonJson.dumps(v))
                    .append("</")
                    .append(DSML)
                    .append("parameter>");
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
