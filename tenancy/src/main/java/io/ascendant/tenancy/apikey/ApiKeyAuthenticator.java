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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Cache misses ({@link #lookup}) are single-flight: concurrent misses of one public id share one database load,
 * which runs on its own virtual thread, and each caller gets its answer within its deadline, whatever the load waits
 * for (a pooled connection, a stalled PostgreSQL). A load that outlives the deadlines of its callers runs on, bounded
 * by the store's network timeout, and still fills the cache; a caller that timed out is never authenticated by it.
 *
 * <p>A closed tenant's keys are refused ({@link TenantApiError#TENANT_CLOSED}) except on the tenant billing read API,
 * where one with the scope {@code billing:read} is authenticated with that scope only: a customer who closed their
 * account still reads and downloads its final invoices, and can do nothing else. Callers say which kind of request
 * they authenticate ({@code billingRead}); the default is the strict answer.
 *
 * <p>Thread-safe. {@link #tryCached} never blocks and takes no lock; {@link #lookup} never blocks;
 * {@link #authenticate} may query the database.
 */
public final class ApiKeyAuthenticator {

    /** Outcome of an authentication. */
    public sealed interface Result permits Authenticated, Refused {}

    /** The key is valid; {@code caller} is the principal. */
    public record Authenticated(ApiKeyCaller caller) implements Result {}

    /** The key is refused with this error. */
    public record Refused(TenantApiError error) implements Result {}

    /** What one database load found: the key (null when unknown) and, for a known key, its tenant (null if gone). */
    private record Loaded(KeyRecord key, TenantRecord tenant) {}

    /** The scopes of a closed tenant's key on the billing read API. */
    private static final Set<ApiKeyScope> BILLING_READ_ONLY = Set.of(ApiKeyScope.BILLING_READ);

    private static final ThreadFactory LOOKUP_THREADS =
            Thread.ofVirtual().name("api-key-lookup-", 0).factory();

    private final ApiKeyStore store;
    private final ApiKeyHasher hasher;
    private final LastUsedRecorder lastUsed;
    private final Clock clock;
    private final Cache<String, KeyRecord> keys;
    private final Cache<String, Boolean> unknown;
    private final Cache<UUID, TenantRecord> tenants;
    private final AtomicLong epoch = new AtomicLong();
    private final byte[] dummyHash = new byte[ApiKeyHasher.HASH_LENGTH];
    /** Loads under way, by public id; an entry leaves when its load ends (answered, failed or timed out). */
    private final ConcurrentHashMap<String, CompletableFuture<Loaded>> loading = new ConcurrentHashMap<>();
    /** Where loads run: a virtual thread each, so a stalled database holds no platform thread. */
    private final Executor loaders = task -> LOOKUP_THREADS.newThread(task).start();
    /**
     * Loads that may hold a database connection at once: many different unknown keys during a stall (or a flood of
     * made-up keys) must not drain the connection pool that quotas and billing share. A load waits for a permit
     * within its caller's deadline and fails like a timeout when none came.
     */
    private final Semaphore loadPermits;

    /**
     * An authenticator whose cache-miss loads are not limited in number (benchmarks and tests).
     *
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
        this(store, hasher, lastUsed, clock, maxKeys, maxUnknown, maxAge, Integer.MAX_VALUE);
    }

    /**
     * @param maxKeys bound of the known-key cache
     * @param maxUnknown bound of the unknown-id cache
     * @param maxAge reload entries older than this even without a notification
     * @param maxConcurrentLoads cache-miss loads (database queries) under way at once, at least 1; more wait for a
     *     permit within their caller's deadline
     */
    public ApiKeyAuthenticator(
            ApiKeyStore store,
            ApiKeyHasher hasher,
            LastUsedRecorder lastUsed,
            Clock clock,
            int maxKeys,
            int maxUnknown,
            Duration maxAge,
            int maxConcurrentLoads) {
        if (maxConcurrentLoads < 1) {
            throw new IllegalArgumentException("maxConcurrentLoads must be at least 1, not " + maxConcurrentLoads);
        }
        this.loadPermits = new Semaphore(maxConcurrentLoads);
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
     * Authenticates from the cache only, for any endpoint other than the billing read API (a closed tenant's key is
     * refused).
     *
     * @return the result, or empty when the database must be consulted (call {@link #authenticate})
     */
    public Optional<Result> tryCached(String presented) {
        return tryCached(presented, false);
    }

    /**
     * Authenticates from the cache only.
     *
     * @param billingRead the request is to the tenant billing read API
     *     ({@link ApiKeyAuthenticationMechanism#isBillingReadPath}), which a closed tenant's keys with
     *     {@code billing:read} may still call
     * @return the result, or empty when the database must be consulted (call {@link #authenticate})
     */
    public Optional<Result> tryCached(String presented, boolean billingRead) {
        Optional<String> publicId = ApiKeyFormat.parsePublicId(presented);
        if (publicId.isEmpty()) {
            return Optional.of(new Refused(TenantApiError.MALFORMED_API_KEY));
        }
        String pid = publicId.get();
        byte[] presentedHash = hasher.hash(presented);
        KeyRecord rec = keys.getIfPresent(pid);
        if (rec == null) {
            if (unknown.getIfPresent(pid) != null) {
                return Optional.of(verify(presentedHash, null, null, billingRead, true));
            }
            return Optional.empty();
        }
        TenantRecord tenant = tenants.getIfPresent(rec.tenantId());
        if (tenant == null) {
            return Optional.empty();
        }
        return Optional.of(verify(presentedHash, rec, tenant, billingRead, true));
    }

    /**
     * Authenticates a key that {@link #tryCached} did not answer, loading it from the database without blocking the
     * caller. Concurrent calls for one public id share one load.
     *
     * @param deadline how long the caller waits for the database
     * @return completes with the result (a cached answer at once); fails with a
     *     {@link java.util.concurrent.TimeoutException} after {@code deadline}, or with the load's exception when the
     *     database failed first. Completes on the loading thread, the caller's, or the timeout's.
     */
    public CompletableFuture<Result> lookup(String presented, Duration deadline) {
        return lookup(presented, deadline, false);
    }

    /**
     * {@link #lookup(String, Duration)} for a request that may be to the billing read API.
     *
     * @param billingRead as for {@link #tryCached(String, boolean)}
     */
    public CompletableFuture<Result> lookup(String presented, Duration deadline, boolean billingRead) {
        Optional<Result> cached = tryCached(presented, billingRead);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(cached.get());
        }
        String pid = ApiKeyFormat.parsePublicId(presented).orElseThrow();
        byte[] presentedHash = hasher.hash(presented);
        CompletableFuture<Loaded> load = new CompletableFuture<>();
        CompletableFuture<Loaded> running = loading.putIfAbsent(pid, load);
        if (running == null) {
            start(pid, load, deadline);
            running = load;
        }
        CompletableFuture<Result> answer = new CompletableFuture<>();
        running.whenComplete((loaded, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
                return;
            }
            Result result = verify(presentedHash, loaded.key(), loaded.tenant(), billingRead, false);
            // Only an answer the caller gets counts as a use of the key (not one that came after its deadline).
            if (answer.complete(result) && result instanceof Authenticated a) {
                lastUsed.touch(a.caller().keyId(), clock.instant());
            }
        });
        return answer.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void start(String pid, CompletableFuture<Loaded> load, Duration deadline) {
        try {
            loaders.execute(() -> {
                Loaded loaded;
                boolean permitted = false;
                try {
                    permitted = loadPermits.tryAcquire(deadline.toNanos(), TimeUnit.NANOSECONDS);
                    if (!permitted) {
                        throw new TimeoutException("no API-key lookup slot free within " + deadline
                                + " (every slot waits for the database)");
                    }
                    KeyRecord rec = loadKey(pid);
                    loaded = new Loaded(rec, rec == null ? null : loadTenant(rec.tenantId()));
                } catch (Throwable e) {
                    loading.remove(pid, load);
                    load.completeExceptionally(e);
                    return;
                } finally {
                    if (permitted) {
                        loadPermits.release();
                    }
                }
                loading.remove(pid, load);
                load.complete(loaded);
            });
        } catch (Throwable e) {
            // No thread to run the load (executor shut down, out of memory): its callers must not wait on it forever.
            loading.remove(pid, load);
            load.completeExceptionally(e);
        }
    }

    /** Number of database loads under way (single-flight: at most one per public id). */
    public int loadsInFlight() {
        return loading.size();
    }

    /** Authenticates, loading from the database on a cache miss, as {@link #tryCached(String)} does. Blocking. */
    public Result authenticate(String presented) {
        Optional<Result> cached = tryCached(presented, false);
        if (cached.isPresent()) {
            return cached.get();
        }
        String pid = ApiKeyFormat.parsePublicId(presented).orElseThrow();
        byte[] presentedHash = hasher.hash(presented);
        KeyRecord rec = loadKey(pid);
        if (rec == null) {
            return verify(presentedHash, null, null, false, true);
        }
        TenantRecord tenant = loadTenant(rec.tenantId());
        return verify(presentedHash, rec, tenant, false, true);
    }

    /**
     * Drops a key (and its unknown marker) after a change notification. Here and in the other invalidations, a load
     * under way is forgotten too (it runs on and answers its callers), so a miss after the change starts a load of
     * its own instead of joining one that may have read the data from before.
     */
    public void invalidateKey(String publicId) {
        epoch.incrementAndGet();
        keys.invalidate(publicId);
        unknown.invalidate(publicId);
        loading.remove(publicId);
    }

    /** Drops a tenant's cached state (status, currency, zone). */
    public void invalidateTenant(UUID tenantId) {
        epoch.incrementAndGet();
        tenants.invalidate(tenantId);
        loading.clear();
    }

    /** Drops every cached key of a project (its status changed). */
    public void invalidateProject(UUID projectId) {
        epoch.incrementAndGet();
        keys.asMap().values().removeIf(r -> r.projectId().equals(projectId));
        loading.clear();
    }

    /** Drops everything (e.g. after the notification connection was lost and events may have been missed). */
    public void invalidateAll() {
        epoch.incrementAndGet();
        keys.invalidateAll();
        unknown.invalidateAll();
        tenants.invalidateAll();
        loading.clear();
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
     *
     * @param billingRead the request is to the billing read API (a closed tenant's key may read its bills)
     * @param touch record the key's last use when it is authenticated
     */
    private Result verify(
            byte[] presentedHash, KeyRecord rec, TenantRecord tenant, boolean billingRead, boolean touch) {
        byte[] expected = rec == null ? dummyHash : rec.hash();
        boolean hashOk = ApiKeyHasher.matches(expected, presentedHash);
        if (rec == null || !hashOk || tenant == null) {
            return new Refused(TenantApiError.INVALID_API_KEY);
        }
        Instant now = clock.instant();
        if (!rec.usable() || (rec.expiresAt() != null && !now.isBefore(rec.expiresAt()))) {
            return new Refused(TenantApiError.INVALID_API_KEY);
        }
        Set<ApiKeyScope> scopes = rec.scopes();
        switch (tenant.status()) {
            case SUSPENDED -> {
                return new Refused(TenantApiError.TENANT_SUSPENDED);
            }
            case CLOSED -> {
                if (!billingRead || !scopes.contains(ApiKeyScope.BILLING_READ)) {
                    return new Refused(TenantApiError.TENANT_CLOSED);
                }
                // Its bills and nothing else: should the identity reach any other endpoint, its scope check refuses.
                scopes = BILLING_READ_ONLY;
            }
            case ACTIVE -> {
                // fall through to success
            }
        }
        if (touch) {
            lastUsed.touch(rec.keyId(), now);
        }
        return new Authenticated(new ApiKeyCaller(
                rec.tenantId(),
                rec.projectId(),
                rec.keyId(),
                rec.publicId(),
                rec.allowedModels(),
                tenant.currency(),
                tenant.timeZone(),
                scopes));
    }
}
