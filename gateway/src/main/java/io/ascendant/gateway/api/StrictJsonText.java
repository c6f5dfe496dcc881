package io.ascendant.gateway.api;

import io.ascendant.gateway.error.GatewayException;

/**
 * Checks that a JSON request body is text the model may safely receive, before Jackson parses it: strict UTF-8 (RFC
 * 3629) and no unpaired UTF-16 surrogate written as a {@code \\uXXXX} escape.
 *
 * <p>Jackson refuses bytes that cannot start a UTF-8 sequence ({@code \xff}) but decodes leniently otherwise: the
 * overlong {@code \xc0\xaf} becomes {@code /} (a disguised character that slips past any check on the raw bytes), a
 * surrogate encoded in UTF-8 ({@code \xed\xa0\x80}) and sequences above U+10FFFF become garbage, and an escaped lone
 * surrogate ({@code "\ud800"}) becomes a Java string that no UTF-8 encoder can write. All of these are refused here.
 *
 * <p>One pass over the bytes, no allocation: bodies are mostly ASCII and the data path parses more than 10,000 small
 * bodies a second. The pass also sees the escapes: a backslash and the byte after it are always consumed together, so
 * an escaped backslash followed by {@code ud800} is not mistaken for an escape (a backslash outside a string is a
 * syntax error Jackson reports anyway).
 */
final class StrictJsonText {
    private StrictJsonText() {}

    /**
     * Refuses {@code body} unless it is strict UTF-8 without unpaired surrogate escapes.
     *
     * @throws GatewayException.InvalidRequest 400 {@code invalid_json}, saying at which line and column (1-based,
     *     columns in bytes as the JSON parser counts them) and what is wrong, like the parser's own messages
     */
    static void check(byte[] body) {
        final int n = body.length;
        int i = 0;
        while (i < n) {
            int b = body[i];
            if (b >= 0) { // ASCII, the common case
                if (b == '\\' && i + 1 < n) {
                    int step = escape(body, i);
                    if (step < 0) {
                        throw refused(
                                body,
                                i,
                                "a \\u escape is an unpaired UTF-16 surrogate (\\uD800-\\uDBFF must be followed"
                                        + " directly by \\uDC00-\\uDFFF, which must not stand alone)");
                    }
                    i += step;
                } else {
                    i++;
                }
                continue;
            }
            int len = sequence(body, i, b & 0xff);
            if (len < 0) {
                throw refused(body, i, "it is not valid UTF-8 (" + REASONS[-len] + ")");
            }
            i += len;
        }
    }

    private static final String[] REASONS = {
        "",
        "a byte that cannot start a character",
        "an overlong encoding",
        "a UTF-16 surrogate encoded in UTF-8",
        "a code point above U+10FFFF",
        "a truncated character"
    };
    private static final int BAD_START = -1;
    private static final int OVERLONG = -2;
    private static final int SURROGATE = -3;
    private static final int TOO_HIGH = -4;
    private static final int TRUNCATED = -5;

    /** Length of the multi-byte sequence that starts at {@code i} with lead byte {@code lead}, or a negative reason. */
    private static int sequence(byte[] s, int i, int lead) {
        if (lead < 0xc0) {
            return BAD_START; // a continuation byte, 0x80-0xbf
        }
        if (lead < 0xc2) {
            return OVERLONG; // 0xc0, 0xc1 can only encode U+0000-U+007F
        }
        if (lead > 0xf4) {
            return lead < 0xf8 ? TOO_HIGH : BAD_START;
        }
        int len = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
        // The second byte's range depends on the lead (RFC 3629 §4); the others are plain continuation bytes.
        int lo = 0x80;
        int hi = 0xbf;
        int reason = TRUNCATED;
        if (lead == 0xe0) {
            lo = 0xa0;
            reason = OVERLONG;
        } else if (lead == 0xed) {
            hi = 0x9f;
            reason = SURROGATE;
        } else if (lead == 0xf0) {
            lo = 0x90;
            reason = OVERLONG;
        } else if (lead == 0xf4) {
            hi = 0x8f;
            reason = TOO_HIGH;
        }
        if (i + 1 >= s.length || !continuation(s[i + 1])) {
            return TRUNCATED;
        }
        int second = s[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return reason;
        }
        for (int k = 2; k < len; k++) {
            if (i + k >= s.length || !continuation(s[i + k])) {
                return TRUNCATED;
            }
        }
        return len;
    }

    private static boolean continuation(byte b) {
        return (b & 0xc0) == 0x80;
    }

    /**
     * Bytes to skip for the escape whose backslash is at {@code i} (at least 2: the backslash and its ASCII
     * successor), or -1 for an unpaired surrogate. A malformed escape is skipped for Jackson to describe.
     */
    private static int escape(byte[] s, int i) {
        if (s[i + 1] != 'u') {
            return s[i + 1] >= 0 ? 2 : 1;
        }
        int unit = hex4(s, i + 2);
        if (unit < 0xd800 || unit > 0xdfff) {
            return 2;
        }
        if (unit >= 0xdc00) {
            return -1;
        }
        if (i + 7 < s.length && s[i + 6] == '\\' && s[i + 7] == 'u') {
            int low = hex4(s, i + 8);
            if (low >= 0xdc00 && low <= 0xdfff) {
                return 12;
            }
        }
        return -1;
    }

    /** The four hex digits at {@code at} as a number, or -1. */
    private static int hex4(byte[] s, int at) {
        if (at + 4 > s.length) {
            return -1;
        }
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(s[k], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** The refusal at byte {@code at}; the line and column are counted only now, on the error path. */
    private static GatewayException.InvalidRequest refused(byte[] s, int at, String reason) {
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < at; k++) {
            if (s[k] == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        return new GatewayException.InvalidRequest(
                "The request body is not valid JSON at line " + line + ", column " + (at - lineStart + 1) + ": "
                        + reason + ".",
                null,
                "invalid_json");
    }
}
