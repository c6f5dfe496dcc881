package io.ascendant.modelhost.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Configuration of one model-host pod ({@code modelhost.*}). Every value is checked at start-up by
 * {@link ConfigCheck}; an invalid one stops the process with a message naming the key and the limit.
 */
@ConfigMapping(prefix = "modelhost")
public interface ModelHostConfig {

    /** Checkpoint directory (HF config.json + safetensors + tokenizer.json). Default {@code ~/.ascendant/models/demo}. */
    @WithDefault("${user.home}/.ascendant/models/demo")
    Path modelDir();

    /** Model name served on {@code /v1/models} and accepted in requests. Default {@code deepseek-v4-flash}. */
    @WithDefault("deepseek-v4-flash")
    String servedModelName();

    /** Sequences decoded together in one batched step (running set). Default 16. */
    @WithDefault("16")
    int maxRunningSequences();

    /**
     * Heap bytes the running sequences' KV state (window rings, compressed entries) may take, summed over the running
     * set at its worst case (prompt + max_tokens). Must fit in the JVM's maximum heap together with the prefix cache.
     * Default 1 GiB.
     */
    @WithDefault("1073741824")
    long kvCacheBytes();

    /** Requests admitted but waiting for a running slot; beyond it a 429 with Retry-After. Default 64. */
    @WithDefault("64")
    int maxWaitingRequests();

    /** Longest prompt + completion in tokens. Default 8192. */
    @WithDefault("8192")
    int maxModelLen();

    /** Prefix cache settings. */
    PrefixCache prefixCache();

    /** Prompt tokens prefilled per scheduler step (summed over sequences), a multiple of the block size. Default 256. */
    @WithDefault("256")
    int prefillTokensPerStep();

    /** How long running requests may take to finish after SIGTERM before they are cut. Default 30 s. */
    @WithDefault("30s")
    Duration drainGrace();

    /** Engine worker threads (the scheduler thread counts as one); 0 = available processors. Default 0. */
    @WithDefault("0")
    int engineThreads();

    /** Memory the checkpoint's mapped bytes must fit in; default: the machine's physical memory. */
    OptionalLong memoryLimitBytes();

    /** Seconds a 429 asks the client to wait ({@code Retry-After}). Default 1. */
    @WithDefault("1")
    int retryAfterSeconds();

    /** Optional override of the tokenizer file; default {@code tokenizer.json} in the model dir, else the bundled V4 one. */
    Optional<Path> tokenizer();

    /** Prefix cache ({@code modelhost.prefix-cache.*}). */
    interface PrefixCache {
        /** Whether prompts reuse cached state of earlier prompts. Default true. */
        @WithDefault("true")
        boolean enabled();

        /** Heap bytes of cached snapshots; LRU eviction beyond it. Default 256 MiB. */
        @WithDefault("268435456")
        long bytes();

        /** Tokens per block: snapshots are taken at multiples of it and keyed by chained block hashes. Default 32. */
        @WithDefault("32")
        int blockSize();

        /**
         * A snapshot is kept at every this many block boundaries of a prompt (and always at the last one before its
         * end). 1 (the default) lets a prompt that diverges anywhere reuse all but its last partial block, at the
         * price of one snapshot ({@code SequenceState.byteSize()}, for the demo checkpoint 448 KiB + 516 bytes per
         * token) per block; raise it for checkpoints whose per-sequence state is large.
         */
        @WithDefault("1")
        int snapshotIntervalBlocks();
    }
}
