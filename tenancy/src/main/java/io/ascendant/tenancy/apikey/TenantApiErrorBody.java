package io.ascendant.tenancy.apikey;

/**
 * OpenAI-shaped error body: {@code {"error":{"message":..,"type":..,"param":..,"code":..}}}.
 *
 * @param error the error
 */
public record TenantApiErrorBody(Error error) {

    /**
     * @param message human-readable, never contains secrets
     * @param type OpenAI error type ({@code authentication_error}, {@code permission_error}, ...)
     * @param param request parameter at fault, or null
     * @param code stable machine code
     */
    public record Error(String message, String type, String param, String code) {}

    /** Hand-written JSON (the auth mechanism writes it before any JSON provider is involved). */
    public String toJson() {
        return "{\"error\":{\"message\":" + quote(error.message()) + ",\"type\":" + quote(error.type()) + ",\"param\":"
                + quote(error.param()) + ",\"code\":" + quote(error.code()) + "}}";
    }

    /** {@code s} as a JSON string literal ({@code null} for null). */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
