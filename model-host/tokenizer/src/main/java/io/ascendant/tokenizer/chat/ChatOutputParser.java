package io.ascendant.tokenizer.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text a V4 model generated for one assistant turn into {@code reasoning_content}, {@code content} and
 * OpenAI-style {@code tool_calls}, for a whole answer ({@link #parse}) or incrementally while streaming
 * ({@link #append}, {@link #finish}).
 *
 * <p>Format (reference {@code parse_message_from_completion_text}): in thinking mode the reasoning runs up to
 * {@code </think>}; the content runs up to {@code <｜end▁of▁sentence｜>} or up to {@code \n\n<｜DSML｜tool_calls>}; the
 * tool-call block holds {@code <｜DSML｜invoke name="f">} elements with {@code <｜DSML｜parameter name="k"
 * string="true|false">v</｜DSML｜parameter>} lines; arguments become {@code {"k": v, ...}} with string values JSON-quoted
 * and others copied as written. Deviations, all lenient: a tool-call block inside the reasoning ends the reasoning (as
 * vLLM's parser does), a block without the blank line before it is accepted, and a missing EOS means "stopped on length",
 * not an error.
 *
 * <p>Never throws on model output: malformed text becomes content plus a {@link ChatParseError}. Streaming: text after a
 * possible marker start is held back until it is known whether a marker follows, so deltas never show half a marker;
 * a tool call is emitted once its invoke is closed, as one complete {@link ChatDelta.ToolCallDelta}.
 *
 * <p>Threading: one instance per generated sequence; not thread-safe.
 */
public final class ChatOutputParser {
    private static final String TOOL_BLOCK = "<" + V4Markers.DSML + "tool_calls";
    private static final String TOOL_BLOCK_WITH_GAP = "\n\n" + TOOL_BLOCK;
    private static final String TOOL_BLOCK_END = "</" + V4Markers.DSML + "tool_calls>";
    private static final String INVOKE = "<" + V4Markers.DSML + "invoke";
    private static final String INVOKE_END = "</" + V4Markers.DSML + "invoke";
    private static final String PARAM = "<" + V4Markers.DSML + "parameter";
    private static final String PARAM_END = "/" + V4Markers.DSML + "parameter";
    private static final String EOS = V4Markers.EOS;

    private static final List<String> REASONING_STOPS =
            List.of(V4Markers.THINK_END, TOOL_BLOCK_WITH_GAP, TOOL_BLOCK, EOS);
    private static final List<String> CONTENT_STOPS = List.of(TOOL_BLOCK_WITH_GAP, TOOL_BLOCK, EOS);
    private static final List<String> EOS_ONLY = List.of(EOS);
    private static final List<String> FORBIDDEN =
            List.of(V4Markers.BOS, EOS, V4Markers.THINK_START, V4Markers.THINK_END, V4Markers.DSML);

    // The reference's regexes (re.DOTALL); its "$" also matches before one final newline, hence "\n?\z".
    private static final Pattern NAME =
            Pattern.compile("^\\s*name=\"(.*?)\">\\n\\n?\\z", Pattern.DOTALL | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PARAMETER =
            Pattern.compile("^ name=\"(.*?)\" string=\"(true|false)\">(.*?)<\\n?\\z", Pattern.DOTALL);

    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private enum State {
        REASONING,
        CONTENT,
        TOOL_BLOCK,
        AFTER_TOOLS,
        RAW_CONTENT,
        DONE
    }

    private final Supplier<String> toolCallIds;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private State state;
    private ChatParseError error;
    private boolean endOfSequence;
    private boolean finished;
    private boolean trailingReported;

    /**
     * @param thinking whether the prompt opened a reasoning block ({@code <think>}); then the text starts with reasoning
     */
    public ChatOutputParser(boolean thinking) {
        this(thinking, ChatOutputParser::randomCallId);
    }

    /** As {@link #ChatOutputParser(boolean)} with a source of tool-call ids (e.g. deterministic ids in tests). */
    public ChatOutputParser(boolean thinking, Supplier<String> toolCallIds) {
        this.toolCallIds = toolCallIds;
        this.state = thinking ? State.REASONING : State.CONTENT;
    }

    /** Parses a whole generated answer (with or without the final EOS). */
    public static ChatOutput parse(String text, boolean thinking) {
        ChatOutputParser p = new ChatOutputParser(thinking);
        p.append(text);
        p.finish();
        return p.result();
    }

    /** {@code "call_"} and 24 random letters and digits. */
    public static String randomCallId() {
        char[] id = new char[24];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return "call_" + new String(id);
    }

    /**
     * Feeds the next piece of generated text; returns the deltas it completes (possibly none).
     *
     * @throws IllegalStateException if called after {@link #finish()}
     */
    public List<ChatDelta> append(String text) {
        if (finished) {
            throw new IllegalStateException("append after finish");
        }
        pending.append(text);
        List<ChatDelta> out = new ArrayList<>();
        process(out, false);
        return out;
    }

    /** Ends the text: releases held-back text and reports an unclosed tool block. Idempotent. */
    public List<ChatDelta> finish() {
        List<ChatDelta> out = new ArrayList<>();
        if (!finished) {
            finished = true;
            process(out, true);
        }
        return out;
    }

    /** Everything parsed so far (after {@link #finish()}, the final answer). */
    public ChatOutput result() {
        return new ChatOutput(
                content.toString(), reasoning.toString(), toolCalls, endOfSequence, Optional.ofNullable(error));
    }

    private void process(List<ChatDelta> out, boolean end) {
        boolean progress = true;
        while (progress) {
            progress = switch (state) {
                case REASONING -> text(REASONING_STOPS, true, out, end);
                case CONTENT -> text(CONTENT_STOPS, false, out, end);
                case RAW_CONTENT -> text(EOS_ONLY, false, out, end);
                case TOOL_BLOCK -> toolBlock(out, end);
                case AFTER_TOOLS -> afterTools(out, end);
                case DONE -> {
                    if (!pending.isEmpty()) {
                        if (!trailingReported) {
                            trailingReported = true;
                            problem(out, ChatParseError.Kind.TRAILING_TEXT, "text after the end of the sequence");
                        }
                        pending.setLength(0); // generation should have stopped at EOS; what follows is dropped
                    }
                    yield false;
                }
            };
        }
    }

    /** Reasoning or content up to the first stop marker; returns whether the state changed. */
    private boolean text(List<String> stops, boolean isReasoning, List<ChatDelta> out, boolean end) {
        int at = -1;
        String stop = null;
        for (String s : stops) {
            int p = pending.indexOf(s);
            if (p >= 0 && (at < 0 || p < at)) {
                at = p;
                stop = s;
            }
        }
        if (stop == null) {
            int keep = end ? 0 : heldBack(stops);
            emitText(pending.length() - keep, isReasoning, out);
            if (end) {
                checkForbidden(out);
            }
            return false;
        }
        emitText(at, isReasoning, out);
        pending.delete(0, stop.length());
        if (stop.equals(EOS)) {
            endOfSequence = true;
            if (isReasoning) {
                problem(out, ChatParseError.Kind.MISSING_THINKING_END, "the sequence ended inside the reasoning");
            }
            checkForbidden(out);
            state = State.DONE;
        } else if (stop.equals(V4Markers.THINK_END)) {
            state = State.CONTENT;
        } else {
            state = State.TOOL_BLOCK;
        }
        return true;
    }

    private void emitText(int length, boolean isReasoning, List<ChatDelta> out) {
        if (length <= 0) {
            return;
        }
        String t = pending.substring(0, length);
        pending.delete(0, length);
        if (isReasoning) {
            reasoning.append(t);
            out.add(new ChatDelta.Reasoning(t));
        } else {
            content.append(t);
            out.add(new ChatDelta.Content(t));
        }
    }

    /** Length of the longest suffix of pending that is a proper prefix of a stop marker. */
    private int heldBack(List<String> stops) {
        int best = 0;
        int n = pending.length();
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, n); len > best; len--) {
                if (startsWithAt(pending, n - len, s, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private static boolean startsWithAt(StringBuilder sb, int from, String s, int len) {
        for (int i = 0; i < len; i++) {
            if (sb.charAt(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void checkForbidden(List<ChatDelta> out) {
        if (error != null) {
            return;
        }
        for (String f : FORBIDDEN) {
            if (content.indexOf(f) >= 0 || reasoning.indexOf(f) >= 0) {
                problem(
                        out,
                        ChatParseError.Kind.UNEXPECTED_SPECIAL_TOKEN,
                        "the " + (content.indexOf(f) >= 0 ? "content" : "reasoning") + " contains " + f);
                return;
            }
        }
    }

    /** pending holds the text after "<｜DSML｜tool_calls". Parses complete invokes; returns whether the state changed. */
    private boolean toolBlock(List<ChatDelta> out, boolean end) {
        int pos = 0;
        while (true) {
            Step step = invoke(pending, pos);
            switch (step.kind) {
                case CALL -> {
                    ToolCall call = new ToolCall(toolCallIds.get(), step.name, step.arguments);
                    toolCalls.add(call);
                    out.add(new ChatDelta.ToolCallDelta(toolCalls.size() - 1, call));
                    pos = step.end;
                }
                case BLOCK_END -> {
                    pending.delete(0, step.end);
                    state = State.AFTER_TOOLS;
                    return true;
                }
                case NEED_MORE -> {
                    pending.delete(0, pos);
                    if (!end) {
                        return false;
                    }
                    String raw = (toolCalls.isEmpty() && pos == 0 ? TOOL_BLOCK : "") + pending;
                    problem(out, ChatParseError.Kind.UNCLOSED_TOOL_CALLS, "the tool-call block is not closed");
                    pending.setLength(0);
                    pending.append(raw);
                    state = State.RAW_CONTENT;
                    return true;
                }
                case ERROR -> {
                    problem(out, step.errorKind, step.errorMessage);
                    String raw = pos == 0 && toolCalls.isEmpty() ? TOOL_BLOCK + pending : pending.substring(pos);
                    pending.setLength(0);
                    pending.append(raw);
                    state = State.RAW_CONTENT;
                    return true;
                }
            }
        }
    }

    private boolean afterTools(List<ChatDelta> out, boolean end) {
        int eos = pending.indexOf(EOS);
        if (eos == 0) {
            pending.delete(0, EOS.length());
            endOfSequence = true;
            state = State.DONE;
            return true;
        }
        boolean couldBeEos = pending.length() < EOS.length() && EOS.startsWith(pending.toString());
        if (pending.isEmpty() || (couldBeEos && !end)) {
            return false;
        }
        problem(out, ChatParseError.Kind.TRAILING_TEXT, "text after the tool-call block");
        state = State.RAW_CONTENT;
        return true;
    }

    private void problem(List<ChatDelta> out, ChatParseError.Kind kind, String message) {
        ChatParseError e = new ChatParseError(kind, message);
        if (error == null) {
            error = e;
        }
        out.add(new ChatDelta.Problem(e));
    }

    // ---- DSML grammar ----------------------------------------------------------------------------------------

    private enum StepKind {
        CALL,
        BLOCK_END,
        NEED_MORE,
        ERROR
    }

    private record Step(
            StepKind kind, int end, String name, String arguments, ChatParseError.Kind errorKind, String errorMessage) {
        static Step needMore() {
            return new Step(StepKind.NEED_MORE, 0, null, null, null, null);
        }

        static Step error(ChatParseError.Kind kind, String message) {
            return new Step(StepKind.ERROR, 0, null, null, kind, message);
        }
    }

    /** (position of the earliest stop, index of that stop) or null if none occurs from pos on. */
    private static int[] find(CharSequence s, int pos, String... stops) {
        String str = s.toString();
        int[] best = null;
        for (int k = 0; k < stops.length; k++) {
            int p = str.indexOf(stops[k], pos);
            if (p >= 0 && (best == null || p < best[0])) {
                best = new int[] {p, k};
            }
        }
        return best;
    }

    /** One invoke (or the block end) starting at pos, which follows the block opener or a previous invoke. */
    private static Step invoke(CharSequence s, int pos) {
        int[] r = find(s, pos, INVOKE, TOOL_BLOCK_END);
        if (r == null) {
            return Step.needMore();
        }
        String gap = s.subSequence(pos, r[0]).toString();
        if (!gap.equals(">\n")) {
            return Step.error(ChatParseError.Kind.MALFORMED_TOOL_CALL, "expected '>\\n' but found " + excerpt(gap));
        }
        if (r[1] == 1) {
            return new Step(StepKind.BLOCK_END, r[0] + TOOL_BLOCK_END.length(), null, null, null, null);
        }
        int at = r[0] + INVOKE.length();
        r = find(s, at, PARAM, INVOKE_END);
        if (r == null) {
            return Step.needMore();
        }
        Matcher name = NAME.matcher(s.subSequence(at, r[0]));
        if (!name.find()) {
            return Step.error(
                    ChatParseError.Kind.MALFORMED_TOOL_CALL,
                    "tool name format error: " + excerpt(s.subSequence(at, r[0])));
        }
        Map<String, String[]> params = new LinkedHashMap<>();
        at = r[0] + (r[1] == 0 ? PARAM.length() : INVOKE_END.length());
        while (r[1] == 0) {
            int[] pe = find(s, at, PARAM_END);
            if (pe == null) {
                return Step.needMore();
            }
            Matcher p = PARAMETER.matcher(s.subSequence(at, pe[0]));
            if (!p.find()) {
                return Step.error(
                        ChatParseError.Kind.MALFORMED_TOOL_CALL,
                        "parameter format error: " + excerpt(s.subSequence(at, pe[0])));
            }
            if (params.containsKey(p.group(1))) {
                return Step.error(ChatParseError.Kind.DUPLICATE_PARAMETER, "duplicate parameter " + p.group(1));
            }
            params.put(p.group(1), new String[] {p.group(3), p.group(2)});
            at = pe[0] + PARAM_END.length();
            r = find(s, at, PARAM, INVOKE_END);
            if (r == null) {
                return Step.needMore();
            }
            String between = s.subSequence(at, r[0]).toString();
            if (!between.equals(">\n")) {
                return Step.error(
                        ChatParseError.Kind.MALFORMED_TOOL_CALL,
                        "expected '>\\n' after a parameter but found " + excerpt(between));
            }
            at = r[0] + (r[1] == 0 ? PARAM.length() : INVOKE_END.length());
        }
        StringBuilder args = new StringBuilder("{");
        for (Map.Entry<String, String[]> e : params.entrySet()) {
            if (args.length() > 1) {
                args.append(", ");
            }
            PythonJson.string(e.getKey(), args);
            args.append(": ");
            String value = e.getValue()[0];
            if (e.getValue()[1].equals("true")) {
                PythonJson.string(value, args);
            } else {
                try {
                    JSON.readTree(value.isEmpty() ? "?" : value);
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    return Step.error(
                            ChatParseError.Kind.INVALID_PARAMETER_JSON,
                            "parameter " + e.getKey() + " has string=\"false\" but its value is not JSON: "
                                    + excerpt(value));
                }
                args.append(value);
            }
        }
        args.append('}');
        return new Step(StepKind.CALL, at, name.group(1), args.toString(), null, null);
    }

    private static String excerpt(CharSequence s) {
        String t = s.toString();
        return "'" + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "'";
    }
}
