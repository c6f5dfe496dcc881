package io.ascendant.tenancy.apikey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hash of API keys: HMAC-SHA-256 with a server-side pepper. Keys carry 256 bits of entropy, so a slow password
 * hash would only cost latency; the pepper means a stolen table alone cannot even confirm a guessed key. Comparison is
 * constant-time ({@link MessageDigest#isEqual}).
 *
 * <p>Thread-safe: one {@link Mac} per thread.
 */
public final class ApiKeyHasher {

    /** Minimum pepper length in characters. */
    public static final int MIN_PEPPER_LENGTH = 32;

    /** Length of a hash in bytes. */
    public static final int HASH_LENGTH = 32;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    /**
     * @param pepper the server secret ({@code tenancy.api-keys.pepper}), at least {@value #MIN_PEPPER_LENGTH} chars
     * @throws IllegalArgumentException when the pepper is missing or too short (message names the setting)
     */
    public ApiKeyHasher(String pepper) {
        if (pepper == null || pepper.isBlank()) {
            throw new IllegalArgumentException(
                    "tenancy.api-keys.pepper is not set: set it (environment variable TENANCY_API_KEYS_PEPPER) to a"
                            + " random secret of at least " + MIN_PEPPER_LENGTH + " characters, e.g. `openssl rand"
                            + " -base64 48`; it must stay the same across restarts and replicas");
        }
        if (pepper.length() < MIN_PEPPER_LENGTH) {
            throw new IllegalArgumentException("tenancy.api-keys.pepper is too short: " + pepper.length()
                    + " characters, at least " + MIN_PEPPER_LENGTH + " required");
        }
        this.key = new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** HMAC-SHA-256(pepper, key text), 32 bytes. */
    public byte[] hash(String keyText) {
        Mac mac = macs.get();
        return mac.doFinal(keyText.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time comparison of two hashes. */
    public static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
