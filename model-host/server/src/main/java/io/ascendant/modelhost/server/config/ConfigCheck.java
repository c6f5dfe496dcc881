package io.ascendant.modelhost.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Start-up validation of {@link ModelHostConfig}: a host that bills money never silently repairs configuration, so
 * any invalid value stops start-up with every problem listed.
 */
public final class ConfigCheck {
    private ConfigCheck() {}

    /**
     * @param maxHeapBytes the JVM's maximum heap ({@code Runtime.maxMemory()})
     * @return the problems, one sentence each, naming the key; empty when valid
     */
    public static List<String> problems(ModelHostConfig c, long maxHeapBytes) {
        List<String> p = new ArrayList<>();
        if (c.servedModelName().isBlank()) {
            p.add("modelhost.served-model-name must not be blank");
        }
        if (c.maxRunningSequences() < 1 || c.maxRunningSequences() > 1024) {
            p.add("modelhost.max-running-sequences must be in 1..1024, was " + c.maxRunningSequences());
        }
        if (c.maxWaitingRequests() < 0) {
            p.add("modelhost.max-waiting-requests must be >= 0, was " + c.maxWaitingRequests());
        }
        if (c.maxModelLen() < 2) {
            p.add("modelhost.max-model-len must be >= 2, was " + c.maxModelLen());
        }
        if (c.kvCacheBytes() <= 0) {
            p.add("modelhost.kv-cache-bytes must be > 0, was " + c.kvCacheBytes());
        }
        int block = c.prefixCache().blockSize();
        if (block < 1 || block > 4096) {
            p.add("modelhost.prefix-cache.block-size must be in 1..4096, was " + block);
        } else if (c.prefillTokensPerStep() < block || c.prefillTokensPerStep() % block != 0) {
            p.add("modelhost.prefill-tokens-per-step must be a positive multiple of modelhost.prefix-cache.block-size ("
                    + block + "), was " + c.prefillTokensPerStep());
        }
        int every = c.prefixCache().snapshotIntervalBlocks();
        if (every < 1 || every > 1024) {
            p.add("modelhost.prefix-cache.snapshot-interval-blocks must be in 1..1024, was " + every);
        }
        if (c.prefixCache().bytes() < 0) {
            p.add("modelhost.prefix-cache.bytes must be >= 0, was "
                    + c.prefixCache().bytes());
        }
        long cache = c.prefixCache().enabled() ? Math.max(0, c.prefixCache().bytes()) : 0;
        if (c.kvCacheBytes() > 0 && c.kvCacheBytes() + cache > maxHeapBytes * 9 / 10) {
            p.add("modelhost.kv-cache-bytes (" + c.kvCacheBytes() + ") + modelhost.prefix-cache.bytes (" + cache
                    + ") exceed 90% of the JVM's maximum heap (" + maxHeapBytes + " bytes); raise -Xmx or lower them");
        }
        if (c.drainGrace().isNegative()) {
            p.add("modelhost.drain-grace must not be negative, was " + c.drainGrace());
        }
        if (c.engineThreads() < 0 || c.engineThreads() > 1024) {
            p.add("modelhost.engine-threads must be in 0..1024 (0 = available processors), was " + c.engineThreads());
        }
        if (c.retryAfterSeconds() < 0) {
            p.add("modelhost.retry-after-seconds must be >= 0, was " + c.retryAfterSeconds());
        }
        if (c.memoryLimitBytes().isPresent() && c.memoryLimitBytes().getAsLong() <= 0) {
            p.add("modelhost.memory-limit-bytes must be > 0, was "
                    + c.memoryLimitBytes().getAsLong());
        }
        return p;
    }
}
