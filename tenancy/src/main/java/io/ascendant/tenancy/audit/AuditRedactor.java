package io.ascendant.tenancy.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets from audit states, as a second line of defence (the views written there never hold a key text):
 * properties whose name says secret/password/pepper/hash are replaced, and any string that looks like an API key is
 * replaced wherever it appears.
 */
public final class AuditRedactor {

    /** Replacement text. */
    public static final String REDACTED = "[REDACTED]";

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)^(secret.*|.*password.*|.*pepper.*|.*hash|apikey|key_?text|plaintext.*|credentials?)$");
    private static final Pattern KEY_TEXT = Pattern.compile("asc_[0-9A-Za-z]{12}_[0-9A-Za-z]{20,}");

    private AuditRedactor() {}

    /** A redacted deep copy (maps and lists copied, other values kept). */
    public static Map<String, Object> redact(Map<String, Object> state) {
        if (state == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, SECRET_NAME.matcher(k).matches() && v != null ? REDACTED : value(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object value(Object v) {
        if (v instanceof Map<?, ?> m) {
            return redact((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(value(x)));
            return out;
        }
        if (v instanceof String s && KEY_TEXT.matcher(s).find()) {
            return KEY_TEXT.matcher(s).replaceAll(REDACTED);
        }
        return v;
    }
}
