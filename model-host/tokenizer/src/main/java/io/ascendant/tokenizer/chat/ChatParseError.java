package io.ascendant.tokenizer.chat;

/**
 * Why generated text does not follow the V4 output format. Parsing never throws: the text that could not be parsed is
 * returned as content, and this tells what was wrong; except for {@link Kind#UNCLOSED_TOOL_CALLS}, whose calls are
 * recovered and whose markup is never content.
 *
 * @param kind the category, for metrics and API error codes
 * @param message what was found, in a sentence (may quote a short excerpt of the generated text)
 */
public record ChatParseError(Kind kind, String message) {

    public enum Kind {
        /** The sequence ended (EOS) inside the reasoning, before {@code </think>}. */
        MISSING_THINKING_END,
        /**
         * A {@code <｜DSML｜tool_calls>} block was not closed before the text ended (cut off): its complete calls and the
         * open one (with its completed parameters) are returned as tool calls, the rest of the block is dropped.
         */
        UNCLOSED_TOOL_CALLS,
        /** The tool-call block does not follow the DSML grammar (invoke/parameter markup). */
        MALFORMED_TOOL_CALL,
        /** A {@code string="false"} parameter value is not valid JSON. */
        INVALID_PARAMETER_JSON,
        /** The same parameter name appears twice in one invoke. */
        DUPLICATE_PARAMETER,
        /** Content or reasoning contains a marker that must not appear there (BOS, EOS, think tags, DSML). */
        UNEXPECTED_SPECIAL_TOKEN,
        /** Text follows the tool-call block or the end-of-sequence marker. */
        TRAILING_TEXT
    }
}
