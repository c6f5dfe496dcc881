package io.ascendant.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ascendant.gateway.error.GatewayException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Strict UTF-8 and surrogate-escape checks on request bodies, each refusal saying where and why. */
class StrictJsonTextTest {

    /** {@code {"a":"<bytes>"}} with the raw bytes inside the string (at column 7 of line 1). */
    private static byte[] withBytes(int... raw) {
        var out = new ByteArrayOutputStream();
        out.writeBytes("{\"a\":\"".getBytes(StandardCharsets.US_ASCII));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String refusal(byte[] body) {
        var e = assertThrows(GatewayException.InvalidRequest.class, () -> StrictJsonText.check(body));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_json");
        return e.getMessage();
    }

    @Test
    void acceptsWellFormedUtf8OfEveryLengthAndPairedSurrogateEscapes() {
        String text = "{\"a\":\"plain é € 𝄞 \\u00e9 \\ud834\\udd1e \\\\ud800 \\n\",\"ключ\":[1,2]}";
        assertThatCode(() -> StrictJsonText.check(text.getBytes(StandardCharsets.UTF_8)))
                .doesNotThrowAnyException();
        // The boundaries of each range: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF.
        assertThatCode(() -> StrictJsonText.check(withBytes(
                        0xc2, 0x80, 0xdf, 0xbf, 0xe0, 0xa0, 0x80, 0xed, 0x9f, 0xbf, 0xee, 0x80, 0x80, 0xef, 0xbf, 0xbf,
                        0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf)))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesOverlongEncodingsSuchAsADisguisedSlash() {
        assertThat(refusal(withBytes(0xc0, 0xaf)))
                .isEqualTo("The request body is not valid JSON at line 1, column 7: it is not valid UTF-8"
                        + " (an overlong encoding).");
        assertThat(refusal(withBytes(0xe0, 0x80, 0xaf))).contains("(an overlong encoding)");
        assertThat(refusal(withBytes(0xf0, 0x80, 0x80, 0xaf))).contains("(an overlong encoding)");
    }

    @Test
    void refusesSurrogatesEncodedInUtf8AndCodePointsAboveTheUnicodeRange() {
        assertThat(refusal(withBytes(0xed, 0xa0, 0x80))).contains("(a UTF-16 surrogate encoded in UTF-8)");
        assertThat(refusal(withBytes(0xf4, 0x90, 0x80, 0x80))).contains("(a code point above U+10FFFF)");
        assertThat(refusal(withBytes(0xf5, 0x80, 0x80, 0x80))).contains("(a code point above U+10FFFF)");
    }

    @Test
    void refusesStrayAndTruncatedBytesAsBefore() {
        assertThat(refusal(withBytes(0xff, 0xfe))).contains("it is not valid UTF-8 (a byte that cannot start");
        assertThat(refusal(withBytes(0x80))).contains("(a byte that cannot start a character)");
        assertThat(refusal(withBytes(0xe2, 0x82))).contains("(a truncated character)");
        assertThat(refusal(new byte[] {'"', (byte) 0xc3})).contains("(a truncated character)");
    }

    @Test
    void refusesUnpairedSurrogateEscapesSayingWhere() {
        assertThat(refusal("{\n \"a\": \"x\\ud800\"}".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("The request body is not valid JSON at line 2, column 9: a \\u escape is an unpaired"
                        + " UTF-16 surrogate (\\uD800-\\uDBFF must be followed directly by \\uDC00-\\uDFFF, which"
                        + " must not stand alone).");
        assertThat(refusal("{\"a\":\"\\uDC00\"}".getBytes(StandardCharsets.US_ASCII)))
                .contains("unpaired UTF-16 surrogate");
        assertThat(refusal("{\"a\":\"\\ud800x\\udc00\"}".getBytes(StandardCharsets.US_ASCII)))
                .contains("unpaired UTF-16 surrogate");
        assertThat(refusal("{\"\\ud800\":1}".getBytes(StandardCharsets.US_ASCII)))
                .contains("unpaired UTF-16 surrogate");
    }
}
