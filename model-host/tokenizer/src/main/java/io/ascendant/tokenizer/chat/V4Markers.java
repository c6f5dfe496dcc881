package io.ascendant.tokenizer.chat;

/**
 * The special-token markers of DeepSeek V4's chat format, written into prompts by {@link ChatEncoder} and recognised in
 * generated text by {@link ChatOutputParser}; one place so the two sides can never disagree on a spelling (the
 * full-width bars and the {@code ▁} are part of the token text).
 */
final class V4Markers {
    static final String BOS = "<｜begin▁of▁sentence｜>";
    static final String EOS = "<｜end▁of▁sentence｜>";
    static final String THINK_START = "<think>";
    static final String THINK_END = "</think>";
    static final String USER = "<｜User｜>";
    static final String ASSISTANT = "<｜Assistant｜>";
    static final String LATEST_REMINDER = "<｜latest_reminder｜>";

    /** The namespace of the tool-call markup: {@code <｜DSML｜tool_calls>}, {@code <｜DSML｜invoke ...>}, ... */
    static final String DSML = "｜DSML｜";

    /** Opens a tool-call block (the {@code >} follows, and a blank line precedes it in well-formed output). */
    static final String TOOL_CALLS_OPEN = "<" + DSML + "tool_calls";

    static final String TOOL_CALLS_CLOSE = "</" + DSML + "tool_calls>";

    /** Opens one call; {@code  name="f">} follows. */
    static final String INVOKE_OPEN = "<" + DSML + "invoke";

    /** Closes one call; {@code >} follows. */
    static final String INVOKE_CLOSE = "</" + DSML + "invoke";

    /** Opens one argument; {@code  name="k" string="true|false">value<} follows. */
    static final String PARAMETER_OPEN = "<" + DSML + "parameter";

    /** Closes one argument (after its {@code <}); {@code >} follows. */
    static final String PARAMETER_CLOSE = "/" + DSML + "parameter";

    private V4Markers() {}
}
