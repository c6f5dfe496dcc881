package io.ascendant.tenancy.apikey;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buffers "key used at" in memory and writes them in one batched UPDATE per flush, so a request never causes a
 * database write. At most one flush interval of last-used precision is lost if a replica dies. Thread-safe.
 */
public final class LastUsedRecorder {

    private final ApiKeyStore store;
    private volatile ConcurrentHashMap<UUID, Instant> pending = new ConcurrentHashMap<>();

    public LastUsedRecorder(ApiKeyStore store) {
        this.store = store;
    }

    /** Notes a use of the key (O(1), in memory). */
    public void touch(UUID keyId, Instant at) {
        pending.merge(keyId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Number of keys waiting for the next flush. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Writes everything buffered so far in one statement. On failure the batch is merged back for the next flush.
     *
     * @return the number of keys written
     */
    public synchronized int flush() {
        ConcurrentHashMap<UUID, Instant> batch = pending;
        if (batch.isEmpty()) {
            return 0;
        }
        pending = new ConcurrentHashMap<>();
        try {
            store.writeLastUsed(Map.copyOf(batch));
            return batch.size();
        } catch (RuntimeException e) {
            batch.forEach(this::touch);
            throw e;
        }
    }
}
