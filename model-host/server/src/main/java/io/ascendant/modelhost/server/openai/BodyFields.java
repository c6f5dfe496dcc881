package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of one field of an OpenAI request body, with its default when absent or null: a value of the wrong type
 * or out of range is a 400 {@link OpenAiException} naming the field and the allowed range, never a silent clamp.
 */
final class BodyFields {
    private BodyFields() {}

    /** A string field, or null when absent and not required. */
    static String text(JsonNode body, String name, boolean required) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw OpenAiException.badRequest(name, name + " is required.");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw OpenAiException.badRequest(name, name + " must be a string.");
        }
        return v.asText();
    }

    /** A boolean field. */
    static boolean bool(JsonNode body, String name, boolean dflt) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw OpenAiException.badRequest(name, name + " must be a boolean.");
        }
        return v.asBoolean();
    }

    /** An integer field in {@code min..max} (inclusive). */
    static int intIn(JsonNode body, String name, int dflt, int min, int max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw OpenAiException.badRequest(
                    name, name + " must be an integer in " + min + ".." + max + ", was " + v + ".");
        }
        return v.asInt();
    }

    /** An integer field that must be present (the caller checked) and fit a long. */
    static long longOf(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw OpenAiException.badRequest(name, name + " must be an integer, was " + v + ".");
        }
        return v.asLong();
    }

    /** A number in {@code [min, max]}; {@code min == Float.MIN_VALUE} reads as "above 0". */
    static float floatIn(JsonNode body, String name, float dflt, float min, float max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || !(v.floatValue() >= min && v.floatValue() <= max)) {
            throw OpenAiException.badRequest(
                    name,
                    name + " must be a number in [" + (min == Float.MIN_VALUE ? "0 (excl.)" : min) + ", " + max
                            + "], was " + v + ".");
        }
        return v.floatValue();
    }
}
