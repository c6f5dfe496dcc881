package io.ascendant.tokenizer;

/**
 * GPT-2's byte-level alphabet: every byte maps to one printable code point so that any UTF-8 string becomes a string
 * of "symbols" the BPE vocabulary is written in. Printable Latin-1 bytes ({@code !}..{@code ~}, U+00A1..U+00AC,
 * U+00AE..U+00FF) map to themselves; the other 68 bytes map to U+0100 + n in byte order.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final short[] CHAR_TO_BYTE = new short[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean direct = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = direct ? (char) b : (char) (0x100 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevel() {}

    static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a symbol char stands for, or -1 if the char is not in the byte-level alphabet. */
    static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The bytes a vocabulary string stands for, or null if it contains a char outside the alphabet. */
    static byte[] toBytes(String symbols) {
        byte[] out = new byte[symbols.length()];
        for (int i = 0; i < symbols.length(); i++) {
            int b = toByte(symbols.charAt(i));
            if (b < 0) {
                return null;
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
