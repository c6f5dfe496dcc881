package io.ascendant.tokenizer.chat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the text a V4 model generated for one assistant turn into {@code reasoning_content}, {@code content} and
 * OpenAI-style {@code tool_calls}, for a whole answer ({@link #parse}) or incrementally while streaming
 * ({@link #append}, {@link #finish}).
 *
 * <p>Format (reference {@code parse_message_from_completion_text}): in thinking mode the reasoning runs up to
 * {@code </think>}; the content runs up to {@code <｜end▁of▁sentence｜>} or up to {@code \n\n<｜DSML｜tool_calls>}; the
 * tool-call block holds {@code <｜DSML｜invoke name="f">} elements, read one at a time by {@link DsmlInvokeReader}.
 * Deviations, all lenient: a tool-call block inside the reasoning ends the reasoning (as vLLM's parser does), a block
 * without the blank line before it is accepted, and a missing EOS means "stopped on length", not an error.
 *
 * <p>A tool-call block cut off before its close (the text ends there: {@code max_tokens}, a stop string; or an EOS
 * inside it) is read as far as it goes, never returned as markup: the closed invokes are calls, and the open one is a
 * call too if its name was written completely, with the parameters completed before the cut as its arguments (a value
 * cut off is left out, so the arguments are always a JSON object); an open invoke without a complete name, and the rest
 * of the block, are dropped. A text ending inside the block's opener ({@code <｜DSML｜tool_ca}) loses that opener. Both
 * are reported as {@link ChatParseError.Kind#UNCLOSED_TOOL_CALLS} (the OpenAI answer keeps the engine's finish reason).
 * This is what the demo checkpoint does under forced tool use ({@link ForcedToolCall}): it never closes the invoke.
 *
 * <p>Never throws on model output: otherwise malformed text (a closed element that breaks the grammar, a non-JSON
 * {@code string="false"} value, text after the block) becomes content plus a {@link ChatParseError}. Streaming: text
 * after a possible marker start is held back until it is known whether a marker follows, so deltas never show half a
 * marker; a tool call is emitted once its invoke is closed, or at the cut, as one complete
 * {@link ChatDelta.ToolCallDelta}; streamed deltas add up to the whole-text result.
 *
 * <p>Threading: one instance per generated sequence; not thread-safe.
 */
public final class ChatOutputParser {
    private static final String TOOL_BLOCK = V4Markers.TOOL_CALLS_OPEN;
    private static final String TOOL_BLOCK_WITH_GAP = "\n\n" + TOOL_BLOCK;
    private static final String EOS = V4Markers.EOS;

    private static final List<String> REASONING_STOPS =
            List.of(V4Markers.THINK_END, TOOL_BLOCK_WITH_GAP, TOOL_BLOCK, EOS);
    private static final List<String> CONTENT_STOPS = List.of(TOOL_BLOCK_WITH_GAP, TOOL_BLOCK, EOS);
    private static final List<String> EOS_ONLY = List.of(EOS);
    private static final List<String> FORBIDDEN =
            List.of(V4Markers.BOS, EOS, V4Markers.THINK_START, V4Markers.THINK_END, V4Markers.DSML);

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

    /** Ends the text: releases held-back text and emits the calls of a cut-off tool-call block. Idempotent. */
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
            int opener = end && stops != EOS_ONLY ? cutOpener() : -1;
            if (opener >= 0) {
                emitText(opener, isReasoning, out);
                pending.setLength(0);
                checkForbidden(out);
                problem(
                        out,
                        ChatParseError.Kind.UNCLOSED_TOOL_CALLS,
                        "the text ends inside a tool-call block's opener");
                state = State.DONE;
                return true;
            }
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

    /**
     * Where pending ends in a tool-call block's opener cut off after at least its namespace ({@code <｜DSML｜}), with the
     * blank line before it if there is one; -1 if it does not.
     */
    private int cutOpener() {
        int at = pending.lastIndexOf("<" + V4Markers.DSML);
        if (at < 0 || !TOOL_BLOCK.startsWith(pending.substring(at))) {
            return -1;
        }
        return at >= 2 && pending.charAt(at - 1) == '\n' && pending.charAt(at - 2) == '\n' ? at - 2 : at;
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

    /**
     * pending holds the text after "<｜DSML｜tool_calls". Parses complete invokes, and at a cut (the text's end, or an
     * EOS inside the block) the open one; returns whether the state changed.
     */
    private boolean toolBlock(List<ChatDelta> out, boolean end) {
        int eos = pending.indexOf(EOS);
        boolean cut = end || eos >= 0;
        CharSequence block = eos >= 0 ? pending.subSequence(0, eos) : pending;
        int pos = 0;
        while (true) {
            DsmlInvokeReader.Step step = DsmlInvokeReader.invoke(block, pos, cut);
            switch (step.kind()) {
                case CALL -> {
                    ToolCall call = new ToolCall(toolCallIds.get(), step.name(), step.arguments());
                    toolCalls.add(call);
                    out.add(new ChatDelta.ToolCallDelta(toolCalls.size() - 1, call));
                    pos = step.end();
                }
                case BLOCK_END -> {
                    pending.delete(0, step.end());
                    state = State.AFTER_TOOLS;
                    return true;
                }
                case NEED_MORE -> {
                    if (!cut) {
                        pending.delete(0, pos);
                        return false;
                    }
                    // Cut off: the calls above are the answer; what is left of the block cannot be read and is dropped.
                    problem(out, ChatParseError.Kind.UNCLOSED_TOOL_CALLS, "the tool-call block is not closed");
                    if (eos >= 0) {
                        pending.delete(0, eos + EOS.length());
                        endOfSequence = true;
                    } else {
                        pending.setLength(0);
                    }
                    state = State.DONE;
                    return true;
                }
                case ERROR -> {
                    problem(out, step.errorKind(), step.errorMessage());
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
}
