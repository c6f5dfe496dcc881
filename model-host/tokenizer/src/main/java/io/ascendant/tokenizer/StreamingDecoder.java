package io.ascendant.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated ids into text as they arrive, emitting only complete UTF-8 characters: a character whose bytes are
 * spread over several tokens comes out once its last byte has arrived, never as a broken fragment. The concatenation of
 * everything {@link #next} and {@link #finish} return equals {@code tokenizer.decode(allIds)}.
 *
 * <p>Design: undecoded bytes are held only while they are a valid, incomplete prefix of one UTF-8 character (at most 3
 * bytes). Bytes that can never become valid are emitted as U+FFFD right away, exactly where the whole-text decoder puts
 * them (a held prefix always starts at a lead byte, so no malformed sequence crosses an emission boundary).
 *
 * <p>Threading: one instance per generated sequence; not thread-safe.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private byte[] buf = new byte[16];
    private int held;

    StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Adds one id; returns the text that became complete (often empty, never null).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String next(int id) {
        byte[] b = tokenizer.tokenBytes(id);
        if (held + b.length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, held + b.length));
        }
        System.arraycopy(b, 0, buf, held, b.length);
        int n = held + b.length;
        int complete = n - incompleteTail(buf, n);
        String out = complete == 0 ? "" : new String(buf, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(buf, complete, buf, 0, n - complete);
        held = n - complete;
        return out;
    }

    /** Ends the sequence: held bytes of an unfinished character come out as U+FFFD. Returns "" if none are held. */
    public String finish() {
        String out = held == 0 ? "" : new String(buf, 0, held, StandardCharsets.UTF_8);
        held = 0;
        return out;
    }

    /** Number of bytes currently held back because they are an incomplete character. */
    public int pendingBytes() {
        return held;
    }

    /** Length of the suffix of buf[0, n) that is a valid but incomplete UTF-8 character (0 to 3). */
    static int incompleteTail(byte[] buf, int n) {
        for (int back = 1; back <= 3 && back <= n; back++) {
            int lead = buf[n - back] & 0xFF;
            if ((lead & 0xC0) == 0x80) {
                continue;
            }
            int need = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
            if (need <= back || lead > 0xF4) {
                return 0;
            }
            // The continuation bytes present must be allowed after this lead (second-byte ranges of RFC 3629).
            if (back >= 2) {
                int second = buf[n - back + 1] & 0xFF;
                int lo = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
                int hi = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
                if (second < lo || second > hi) {
                    return 0;
                }
            }
            return back;
        }
        return 0;
    }
}
