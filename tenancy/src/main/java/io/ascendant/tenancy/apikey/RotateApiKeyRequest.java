package io.ascendant.tenancy.apikey;

import jakarta.validation.constraints.Future;
import java.time.Instant;

/**
 * Rotate a key: a new key is issued at once and the old one stays valid until {@code oldKeyValidUntil}.
 *
 * @param oldKeyValidUntil end of the overlap; default now + 24 h; at most {@code tenancy.api-keys.max-rotation-overlap}
 *     ahead; never later than the old key's own expiry
 * @param expiresAt expiry of the new key (default: the old key's expiry, if any)
 */
public record RotateApiKeyRequest(
        Instant oldKeyValidUntil, @Future Instant expiresAt) {}
