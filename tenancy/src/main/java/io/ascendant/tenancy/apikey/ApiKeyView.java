package io.ascendant.tenancy.apikey;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * An API key as the admin API shows it: everything except the secret, which no response other than create/rotate
 * ever contains.
 *
 * @param id key id
 * @param tenantId owning tenant
 * @param projectId owning project
 * @param publicId public key id (part of the key text)
 * @param name human name
 * @param hint display form {@code asc_<publicId>_…<last4>}
 * @param allowedModels models this key may use; empty = every model
 * @param scopes what the key may call ({@code inference}, {@code billing:read}; see {@link ApiKeyScope})
 * @param status ACTIVE, REVOKED, or EXPIRED for an unrevoked key whose expiry has passed when the view was made
 * @param expiresAt expiry (null = never); a key past it is refused
 * @param createdAt creation time
 * @param createdBy admin who created it
 * @param lastUsedAt last successful authentication (batched, up to {@code tenancy.api-keys.last-used-flush-interval}
 *     late)
 * @param revokedAt revocation time
 * @param rotatedFrom the key this one replaced, if created by rotation
 */
public record ApiKeyView(
        UUID id,
        UUID tenantId,
        UUID projectId,
        String publicId,
        String name,
        String hint,
        List<String> allowedModels,
        List<String> scopes,
        ApiKeyStatus status,
        Instant expiresAt,
        Instant createdAt,
        String createdBy,
        Instant lastUsedAt,
        Instant revokedAt,
        UUID rotatedFrom) {

    static ApiKeyView of(ApiKey k) {
        return new ApiKeyView(
                k.id,
                k.tenantId,
                k.projectId,
                k.publicId,
                k.name,
                ApiKeyFormat.hint(k.publicId, k.last4),
                List.copyOf(Arrays.asList(k.allowedModels)),
                List.copyOf(Arrays.asList(k.scopes)),
                ApiKeyStatus.of(k, Instant.now()),
                k.expiresAt,
                k.createdAt,
                k.createdBy,
                k.lastUsedAt,
                k.revokedAt,
                k.rotatedFrom);
    }
}
