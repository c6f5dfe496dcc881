package io.ascendant.tokenizer.chat;

import static io.ascendant.tokenizer.chat.V4Markers.INVOKE_CLOSE;
import static io.ascendant.tokenizer.chat.V4Markers.INVOKE_OPEN;
import static io.ascendant.tokenizer.chat.V4Markers.PARAMETER_CLOSE;
import static io.ascendant.tokenizer.chat.V4Markers.PARAMETER_OPEN;
import static io.ascendant.tokenizer.chat.V4Markers.TOOL_CALLS_CLOSE;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of a generated {@code <｜DSML｜tool_calls>} block, one invoke at a time, as the reference
 * {@code parse_message_from_completion_text} reads it: {@code <｜DSML｜invoke name="f">} elements holding
 * {@code <｜DSML｜parameter name="k" string="true|false">v</｜DSML｜parameter>} lines, separated by {@code >\n}. Arguments
 * become {@code {"k": v, ...}} with string values JSON-quoted and the others copied as written (they must be JSON).
 *
 * <p>Stateless and never throws on model output: {@link ChatOutputParser} keeps the streaming state and calls
 * {@link #invoke} again on the same text once more has arrived when a step says {@code NEED_MORE}.
 */
final class DsmlInvokeReader {
    // The reference's regexes (re.DOTALL); its "$" also matches before one final newline, hence "\n?\z".
    private static final Pattern NAME =
            Pattern.compile("^\\s*name=\"(.*?)\">\\n\\n?\\z", Pattern.DOTALL | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PARAMETER =
            Pattern.compile("^ name=\"(.*?)\" string=\"(true|false)\">(.*?)<\\n?\\z", Pattern.DOTALL);
    /** An invoke's name at a cut: complete once its closing quote is written (a name never holds a quote). */
    private static final Pattern CUT_NAME = Pattern.compile("^\\s*name=\"([^\"]+)\"", Pattern.UNICODE_CHARACTER_CLASS);

    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private DsmlInvokeReader() {}

    /** What {@link #invoke} found. */
    enum StepKind {
        CALL,
        BLOCK_END,
        NEED_MORE,
        ERROR
    }

    /**
     * One step through a tool-call block.
     *
     * @param kind a complete call, the block's end, an incomplete text (wait for more), or malformed markup
     * @param end for {@code CALL} and {@code BLOCK_END}: the index just after what was consumed
     * @param name the called function ({@code CALL})
     * @param arguments the call's arguments as JSON object text ({@code CALL})
     */
    record Step(
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
    static Step invoke(CharSequence s, int pos) {
        return invoke(s, pos, false);
    }

    /**
     * As {@link #invoke(CharSequence, int)}; with {@code cut} the text ends at {@code s.length()} for good (generation
     * stopped inside the block), and an invoke open there whose name is complete becomes a {@code CALL} (ending at
     * {@code s.length()}) with the parameters completed before the cut: one whose value was cut off is left out, and
     * what follows the last complete element is dropped unread. {@code NEED_MORE} then means nothing is recoverable
     * (the cut came before an invoke's name was complete).
     */
    static Step invoke(CharSequence s, int pos, boolean cut) {
        int[] r = find(s, pos, INVOKE_OPEN, TOOL_CALLS_CLOSE);
        if (r == null) {
            return Step.needMore();
        }
        String gap = s.subSequence(pos, r[0]).toString();
        if (!gap.equals(">\n")) {
            return Step.error(ChatParseError.Kind.MALFORMED_TOOL_CALL, "expected '>\\n' but found " + excerpt(gap));
        }
        if (r[1] == 1) {
            return new Step(StepKind.BLOCK_END, r[0] + TOOL_CALLS_CLOSE.length(), null, null, null, null);
        }
        int at = r[0] + INVOKE_OPEN.length();
        r = find(s, at, PARAMETER_OPEN, INVOKE_CLOSE);
        Map<String, String[]> params = new LinkedHashMap<>();
        if (r == null) {
            if (!cut) {
                return Step.needMore();
            }
            Matcher name = CUT_NAME.matcher(s.subSequence(at, s.length()));
            return name.find() ? call(name.group(1), params, s.length()) : Step.needMore();
        }
        Matcher name = NAME.matcher(s.subSequence(at, r[0]));
        if (!name.find()) {
            return Step.error(
                    ChatParseError.Kind.MALFORMED_TOOL_CALL,
                    "tool name format error: " + excerpt(s.subSequence(at, r[0])));
        }
        at = r[0] + (r[1] == 0 ? PARAMETER_OPEN.length() : INVOKE_CLOSE.length());
        while (r[1] == 0) {
            int[] pe = find(s, at, PARAMETER_CLOSE);
            if (pe == null) {
                return cut ? call(name.group(1), params, s.length()) : Step.needMore();
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
            at = pe[0] + PARAMETER_CLOSE.length();
            r = find(s, at, PARAMETER_OPEN, INVOKE_CLOSE);
            if (r == null) {
                return cut ? call(name.group(1), params, s.length()) : Step.needMore();
            }
            String between = s.subSequence(at, r[0]).toString();
            if (!between.equals(">\n")) {
                return Step.error(
                        ChatParseError.Kind.MALFORMED_TOOL_CALL,
                        "expected '>\\n' after a parameter but found " + excerpt(between));
            }
            at = r[0] + (r[1] == 0 ? PARAMETER_OPEN.length() : INVOKE_CLOSE.length());
        }
        return call(name.group(1), params, at);
    }

    /** A {@code CALL} of the named function with {@code {"k": v, ...}} arguments, or the error of a non-JSON value. */
    private static Step call(String name, Map<String, String[]> params, int end) {
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
        return new Step(StepKind.CALL, end, name, args.toString(), null, null);
    }

    private static String excerpt(CharSequence s) {
        String t = s.toString();
        return "'" + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "'";
    }
}
