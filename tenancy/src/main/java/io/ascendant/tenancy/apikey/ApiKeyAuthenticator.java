package io.ascendant.tenancy.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ascendant.tenancy.apikey.ApiKeyStore.KeyRecord;
import io.ascendant.tenancy.apikey.ApiKeyStore.TenantRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verifies presented API keys against a bounded per-replica cache that mirrors the database.
 *
 * <p>Design: the key text carries its public id, which finds the cached {@link KeyRecord}; the presented text is
 * HMAC'd and compared in constant time with the stored hash. Unknown public ids are remembered in a separate bounded
 * negative cache (so a flood of random ids cannot evict real keys) and are compared against a dummy hash, so that once
 * warm an unknown key costs the same work as a known one and neither touches the database. Entries are dropped
 * explicitly when PostgreSQL notifies a change ({@link #invalidateKey}, {@link #invalidateTenant},
 * {@link #invalidateProject}); {@code maxAge} is only a safety net.
 *
 * <p>Trap: a load racing with an invalidation could re-insert stale data. Every load reads a global epoch first and
 * caches its result only if no invalidation happened meanwhile.
 *
 * <p>Thread-safe. {@link #tryCached} never blocks; {@link #authenticate} may query the database.
 */
public final class ApiKeyAuthenticator {

    /** Outcome of an authentication. */
    public sealed interface Result permits Authenticated, Refused {}

    /** The key is valid; {@code caller} is the principal. */
    public record Authenticated(ApiKeyCaller caller) implements Result {}

    /** The key is refused with this error. */
    public record Refused(TenantApiError error) implements Result {}

    private final ApiKeyStore store;
    private final ApiKeyHasher hasher;
    private final LastUsedRecorder lastUsed;
    private final Clock clock;
    private final Cache<String, KeyRecord> keys;
    private final Cache<String, Boolean> unknown;
    private final Cache<UUID, TenantRecord> tenants;
    private final AtomicLong epoch = new AtomicLong();
    private final byte[] dummyHash = new byte[ApiKeyHasher.HASH_LENGTH];

    /**
     * @param maxKeys bound of the known-key cache
     * @param maxUnknown bound of the unknown-id cache
     * @param maxAge reload entries older than this even without a notification
     */
    public ApiKeyAuthenticator(
            ApiKeyStore store,
            ApiKeyHasher hasher,
            LastUsedRecorder lastUsed,
            Clock clock,
            int maxKeys,
            int maxUnknown,
            Duration maxAge) {
        this.store = store;
        this.hasher = hasher;
        this.lastUsed = lastUsed;
        this.clock = clock;
        this.keys = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(maxAge)
                .build();
        this.unknown = Caffeine.newBuilder()
                .maximumSize(maxUnknown)
                .expireAfterWrite(maxAge)
                .build();
        this.tenants = Caffeine.newBuilder()
                .maximumSize(Math.max(1000, maxKeys / 10))
                .expireAfterWrite(maxAge)
                .build();
        new SecureRandom().nextBytes(dummyHash);
    }

    /**
     * Authenticates from the cache only.
     *
     * @return the result, or empty when the database must be consulted (call {@link #authenticate})
     */
    public Optional<Result> tryCached(String presented) {
        Optional<String> publicId = ApiKeyFormat.parsePublicId(presented);
        if (publicId.isEmpty()) {
            return Optional.of(new Refused(TenantApiError.MALFORMED_API_KEY));
        }
        String pid = publicId.get();
        byte[] presentedHash = hasher.hash(presented);
        KeyRecord rec = keys.getIfPresent(pid);
        if (rec == null) {
            if (unknown.getIfPresent(pid) != null) {
                return Optional.of(verify(presentedHash, null, null));
            }
            return Optional.empty();
        }
        TenantRecord tenant = tenants.getIfPresent(rec.tenantId());
        if (tenant == null) {
            return Optional.empty();
        }
        return Optional.of(verify(presentedHash, rec, tenant));
    }

    /** Authenticates, loading from the database on a cache miss. Blocking. */
    public Result authenticate(String presented) {
        Optional<Result> cached = tryCached(presented);
        if (cached.isPresent()) {
            return cached.get();
        }
        String pid = ApiKeyFormat.parsePublicId(presented).orElseThrow();
        byte[] presentedHash = hasher.hash(presented);
        KeyRecord rec = loadKey(pid);
        if (rec == null) {
            return verify(presentedHash, null, null);
        }
        TenantRecord tenant = loadTenant(rec.tenantId());
        return verify(presentedHash, rec, tenant);
    }

    /** Drops a key (and its unknown marker) after a change notification. */
    public void invalidateKey(String publicId) {
        epoch.incrementAndGet();
        keys.invalidate(publicId);
        unknown.invalidate(publicId);
    }

    /** Drops a tenant's cached state (status, currency, zone). */
    public void invalidateTenant(UUID tenantId) {
        epoch.incrementAndGet();
        tenants.invalidate(tenantId);
    }

    /** Drops every cached key of a project (its status changed). */
    public void invalidateProject(UUID projectId) {
        epoch.incrementAndGet();
        keys.asMap().values().removeIf(r -> r.projectId().equals(projectId));
    }

    /** Drops everything (e.g. after the notification connection was lost and events may have been missed). */
    public void invalidateAll() {
        epoch.incrementAndGet();
        keys.invalidateAll();
        unknown.invalidateAll();
        tenants.invalidateAll();
    }

    /** Number of cached known keys (for metrics). */
    public long cachedKeys() {
        return keys.estimatedSize();
    }

    private KeyRecord loadKey(String pid) {
        long before = epoch.get();
        Optional<KeyRecord> found = store.findKey(pid);
        if (epoch.get() == before) {
            if (found.isPresent()) {
                keys.put(pid, found.get());
            } else {
                unknown.put(pid, Boolean.TRUE);
            }
        }
        return found.orElse(null);
    }

    private TenantRecord loadTenant(UUID tenantId) {
        TenantRecord cached = tenants.getIfPresent(tenantId);
        if (cached != null) {
            return cached;
        }
        long before = epoch.get();
        Optional<TenantRecord> found = store.findTenant(tenantId);
        if (found.isPresent() && epoch.get() == before) {
            tenants.put(tenantId, found.get());
        }
        return found.orElse(null);
    }

    /**
     * The decision. Always performs one constant-time comparison of 32 bytes, against the dummy hash when the key is
     * unknown, so that known and unknown keys take the same path.
     */
    private Result verify(byte[] presentedHash, KeyRecord rec, TenantRecord tenant) {
        byte[] expected = rec == null ? dummyHash : rec.hash();
        boolean hashOk = ApiKeyHasher.matches(expected, presentedHash);
        if (rec == null || !hashOk || tenant == null) {
            return new Refused(TenantApiError.INVALID_API_KEY);
        }
        Instant now = clock.instant();
        if (!rec.usable() || (rec.expiresAt() != null && !now.isBefore(rec.expiresAt()))) {
            return new Refused(TenantApiError.INVALID_API_KEY);
        }
        switch (tenant.status()) {
            case SUSPENDED -> {
                return new Refused(TenantApiError.TENANT_SUSPENDED);
            }
            case CLOSED -> {
                return new Refused(TenantApiError.TENANT_CLOSED);
            }
            case ACTIVE -> {
                // fall through to success
            }
        }
        lastUsed.touch(rec.keyId(), now);
        return new Authenticated(new ApiKeyCaller(
                rec.tenantId(),
                rec.projectId(),
                rec.keyId(),
                rec.publicId(),
                rec.allowedModels(),
                tenant.currency(),
                tenant.timeZone()));
    }
}
