package io.ascendant.tenancy.apikey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The text format of API keys, recognisable by people and by leaked-secret scanners:
 *
 * <pre>
 *   asc_ 3kTMd9QxWb2L _ &lt;43 base62 chars: 256-bit secret&gt; &lt;6 base62 chars: CRC32 checksum&gt;
 *   prefix  public id (12)
 * </pre>
 *
 * 66 characters, all {@code [A-Za-z0-9_]}, so a double click selects the whole key. The secret is 32 bytes from
 * {@link SecureRandom} written as a fixed-width base62 number (62^43 &gt; 2^256). The checksum is CRC32 of everything
 * before it, base62, so a typo or a truncated copy is caught offline without a database lookup (as GitHub's token
 * format does); it is not a security feature. The public id locates the row; only the keyed hash of the whole text is
 * stored.
 */
public final class ApiKeyFormat {

    /** Every key starts with this. */
    public static final String PREFIX = "asc_";

    /** Length of the public key id. */
    public static final int PUBLIC_ID_LENGTH = 12;

    /** Length of the base62 secret (256 bits). */
    public static final int SECRET_LENGTH = 43;

    /** Length of the base62 CRC32 checksum. */
    public static final int CHECKSUM_LENGTH = 6;

    /** Total key length. */
    public static final int KEY_LENGTH = PREFIX.length() + PUBLIC_ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);
    private static final int SECRET_BYTES = 32;

    private ApiKeyFormat() {}

    /**
     * A freshly generated key.
     *
     * @param publicId the public id (also inside {@code text})
     * @param text the full key text; show it once, never store or log it
     */
    public record Generated(String publicId, String text) {
        @Override
        public String toString() {
            return "Generated[publicId=" + publicId + ", text=<redacted>]";
        }
    }

    /** Generates a key: random public id, 256-bit secret, checksum. */
    public static Generated generate(SecureRandom random) {
        StringBuilder sb = new StringBuilder(KEY_LENGTH);
        sb.append(PREFIX);
        StringBuilder publicId = new StringBuilder(PUBLIC_ID_LENGTH);
        for (int i = 0; i < PUBLIC_ID_LENGTH; i++) {
            publicId.append(BASE62[random.nextInt(62)]);
        }
        sb.append(publicId).append('_');
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        sb.append(base62(new BigInteger(1, secret), SECRET_LENGTH));
        sb.append(checksum(sb));
        return new Generated(publicId.toString(), sb.toString());
    }

    /**
     * Checks the structure and checksum of a presented key and extracts its public id. Does not touch the database and
     * says nothing about whether the key exists.
     *
     * @return the public id, or empty when the text is not a well-formed key (wrong prefix, length, characters or
     *     checksum)
     */
    public static Optional<String> parsePublicId(String presented) {
        if (presented == null || presented.length() != KEY_LENGTH || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int sep = PREFIX.length() + PUBLIC_ID_LENGTH;
        if (presented.charAt(sep) != '_') {
            return Optional.empty();
        }
        for (int i = PREFIX.length(); i < KEY_LENGTH; i++) {
            if (i != sep && !isBase62(presented.charAt(i))) {
                return Optional.empty();
            }
        }
        int bodyEnd = KEY_LENGTH - CHECKSUM_LENGTH;
        String expected = checksum(presented.subSequence(0, bodyEnd));
        if (!expected.contentEquals(presented.subSequence(bodyEnd, KEY_LENGTH))) {
            return Optional.empty();
        }
        return Optional.of(presented.substring(PREFIX.length(), sep));
    }

    /** The displayable hint of a key: prefix, public id and last four characters. */
    public static String hint(String publicId, String last4) {
        return PREFIX + publicId + "_…" + last4;
    }

    /** CRC32 of the text as 6 base62 characters. */
    static String checksum(CharSequence body) {
        CRC32 crc = new CRC32();
        crc.update(body.toString().getBytes(StandardCharsets.US_ASCII));
        return base62(BigInteger.valueOf(crc.getValue()), CHECKSUM_LENGTH);
    }

    private static String base62(BigInteger value, int width) {
        char[] out = new char[width];
        BigInteger v = value;
        for (int i = width - 1; i >= 0; i--) {
            BigInteger[] qr = v.divideAndRemainder(SIXTY_TWO);
            out[i] = BASE62[qr[1].intValue()];
            v = qr[0];
        }
        if (v.signum() != 0) {
            throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
        }
        return new String(out);
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
