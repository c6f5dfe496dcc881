package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in the product's words why a request body is not valid JSON and where it broke, for both the admin API
 * (problem {@code detail}) and the tenant API (OpenAI/Anthropic {@code message}): {@code The request body is not valid
 * JSON at line 1, column 17: expected a field name in double quotes.}
 *
 * <p>Jackson's own messages name its classes, features and character codes ({@code Unexpected character ('}' (code
 * 125)): was expecting double-quote to start field name}) and, depending on the parser's settings, a source
 * description. They are read here only to pick one of our phrases; nothing of them reaches the client, and neither
 * does any of the body's text (it may hold prompts or secrets): only single punctuation characters and field names.
 * A message Jackson words differently in a later version falls back to a generic phrase, still with the location.
 */
public final class JsonSyntaxErrors {

    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("^Unexpected character \\('(.)' \\(code \\d+\\)\\)");
    private static final Pattern CLOSE_MARKER = Pattern.compile("^Unexpected close marker '(.)': expected '(.)'");
    private static final Pattern STRAY_CLOSE = Pattern.compile("^Unexpected close marker '(.)': no open");
    private static final Pattern START_MARKER = Pattern.compile("line: (\\d+), column: (\\d+)\\]");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '([A-Za-z0-9_.$-]{1,64})'");
    private static final Pattern MAX_ALLOWED = Pattern.compile("maximum allowed \\((\\d+)");

    private JsonSyntaxErrors() {}

    /** The full sentence: {@code The request body is not valid JSON at line L, column C: <reason>.} */
    public static String describe(JsonProcessingException e) {
        return "The request body is not valid JSON" + where(e.getLocation()) + ": " + reason(e) + ".";
    }

    /** The key a body repeats when {@code e} is the parser's duplicate-key refusal; null for other errors. */
    static String duplicateField(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher d = DUPLICATE.matcher(m);
        return d.find() ? d.group(1) : null;
    }

    /** Only the reason, without location or prefix (e.g. {@code expected ':' after the field name}). */
    static String reason(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            Matcher max = MAX_ALLOWED.matcher(m);
            if (m.contains("nesting depth") && max.find()) {
                return "it is nested more than " + max.group(1) + " levels deep";
            }
            return "it exceeds a size limit of the JSON reader";
        }
        if (m.startsWith("Unexpected end-of-input")) {
            return endOfInput(m);
        }
        if (m.startsWith("Trailing token")) {
            return "there is more content after the end of the JSON value";
        }
        if (m.startsWith("Invalid UTF-8") || m.startsWith("Invalid UTF-32")) {
            return "it is not valid UTF-8";
        }
        if (m.startsWith("Duplicate field")) {
            Matcher d = DUPLICATE.matcher(m);
            return d.find() ? "field `" + d.group(1) + "` appears more than once" : "a field appears more than once";
        }
        if (m.startsWith("Illegal unquoted character")) {
            return "a control character (such as a line break or tab) inside a string must be escaped";
        }
        if (m.startsWith("Unrecognized character escape")) {
            return "a string holds an invalid escape sequence (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
        }
        if (m.contains("hex-digit for character escape")) {
            return "a \\u escape in a string needs four hexadecimal digits";
        }
        if (m.startsWith("Unrecognized token") || m.contains("expected a valid value")) {
            return "expected a value (a string in double quotes, a number, an array, an object, true, false or null)";
        }
        if (m.startsWith("Non-standard token")) {
            return "NaN and Infinity are not JSON numbers";
        }
        if (m.contains("Leading zeroes not allowed")) {
            return "a number must not start with 0";
        }
        if (m.contains("in numeric value") || m.startsWith("Invalid numeric value")) {
            return "a number is malformed";
        }
        if (m.contains("comment")) {
            return "comments are not allowed in JSON";
        }
        Matcher close = CLOSE_MARKER.matcher(m);
        if (close.find()) {
            String opened = close.group(2).equals("}") ? "object" : "array";
            Matcher start = START_MARKER.matcher(m);
            String at = start.find() ? " opened at line " + start.group(1) + ", column " + start.group(2) : "";
            return "found '" + close.group(1) + "' where '" + close.group(2) + "' must close the " + opened + at;
        }
        Matcher stray = STRAY_CLOSE.matcher(m);
        if (stray.find()) {
            return "found '" + stray.group(1) + "' with nothing open to close";
        }
        Matcher unexpected = UNEXPECTED_CHAR.matcher(m);
        String found = unexpected.find() && isPunctuation(unexpected.group(1)) ? unexpected.group(1) : null;
        if (m.contains("double-quote to start field name")) {
            return "}".equals(found)
                    ? "expected a field name in double quotes (a comma must not follow the last member of an object)"
                    : "expected a field name in double quotes";
        }
        if (m.contains("colon to separate field name and value")) {
            return "expected ':' after the field name";
        }
        if (m.contains("comma to separate Object entries")) {
            return "expected ',' or '}' after a member of an object";
        }
        if (m.contains("comma to separate Array entries")) {
            return "expected ',' or ']' after an element of an array";
        }
        if (m.contains("expected a value")) {
            return "]".equals(found) || "}".equals(found)
                    ? "expected a value (a comma must not follow the last element)"
                    : "expected a value";
        }
        return found == null ? "unexpected input" : "unexpected character '" + found + "'";
    }

    private static String endOfInput(String m) {
        Matcher start = START_MARKER.matcher(m);
        String at = start.find() ? " opened at line " + start.group(1) + ", column " + start.group(2) : "";
        if (m.contains("close marker for Object")) {
            return "it ends before the object" + at + " is closed";
        }
        if (m.contains("close marker for Array")) {
            return "it ends before the array" + at + " is closed";
        }
        if (m.contains("VALUE_STRING") || m.contains("field name") || m.contains("closing quote")) {
            return "it ends inside a string";
        }
        if (m.contains("Object entries")) {
            return "it ends inside an object";
        }
        if (m.contains("Array entries")) {
            return "it ends inside an array";
        }
        return "it ends too early";
    }

    /** Only ASCII punctuation is quoted back: never a letter or digit of what may be a prompt or a secret. */
    private static boolean isPunctuation(String c) {
        char ch = c.charAt(0);
        return ch > 0x20 && ch < 0x7f && !Character.isLetterOrDigit(ch);
    }

    private static String where(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return at.getColumnNr() < 1
                ? " at line " + at.getLineNr()
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
