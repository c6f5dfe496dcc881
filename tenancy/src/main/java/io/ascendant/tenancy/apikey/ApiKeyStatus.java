package io.ascendant.tenancy.apikey;

import java.time.Instant;

/**
 * Status of a key. {@code api_key.status} stores only ACTIVE or REVOKED; expiry is separate ({@code expires_at}), and
 * an ACTIVE key past it is refused and shown as EXPIRED (computed when read, see {@link #of(ApiKey, Instant)}).
 */
public enum ApiKeyStatus {
    ACTIVE,
    REVOKED,
    /** Shown, never stored: a stored ACTIVE key whose {@code expires_at} is not after the time of reading. */
    EXPIRED;

    /** The status of {@code k} as shown at {@code now}: REVOKED stays REVOKED, an ACTIVE key past expiry is EXPIRED. */
    static ApiKeyStatus of(ApiKey k, Instant now) {
        return k.status == ACTIVE && k.expiresAt != null && !now.isBefore(k.expiresAt) ? EXPIRED : k.status;
    }
}
