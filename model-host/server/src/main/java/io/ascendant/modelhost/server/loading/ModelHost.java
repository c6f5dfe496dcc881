package io.ascendant.modelhost.server.loading;

import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.model.V4Model;
import io.ascendant.modelhost.server.config.ConfigCheck;
import io.ascendant.modelhost.server.config.ModelHostConfig;
import io.ascendant.modelhost.server.metrics.HostMetrics;
import io.ascendant.modelhost.server.prefixcache.PrefixCache;
import io.ascendant.modelhost.server.scheduler.Scheduler;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The pod's model, tokenizer, prefix cache and scheduler, and its lifecycle: configuration and memory are checked
 * synchronously at start-up (a bad value or a checkpoint larger than the configured memory stops the process with one
 * sentence); the checkpoint then loads on a background thread while {@code /health} and readiness say "not ready";
 * on shutdown (SIGTERM) the pod drains: readiness false, new requests 503, running ones get {@code drain-grace}.
 */
@Singleton
public class ModelHost {
    private final ModelHostConfig config;
    private final HostMetrics metrics;
    private volatile HostState state = HostState.LOADING;
    private volatile String failure;
    private volatile V4Model model;
    private volatile Tokenizer tokenizer;
    private volatile ChatEncoder encoder;
    private volatile Scheduler scheduler;
    private volatile PrefixCache cache;
    private volatile long kvBytesBase;
    private volatile double kvBytesPerToken;
    private EngineThreads threads;

    public ModelHost(ModelHostConfig config) {
        this.config = config;
        this.metrics = new HostMetrics(config.servedModelName());
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        List<String> problems =
                ConfigCheck.problems(config, Runtime.getRuntime().maxMemory());
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid model-host configuration: " + String.join("; ", problems));
        }
        Path dir = config.modelDir().toAbsolutePath();
        long mapped = CheckpointSize.mappedBytes(dir);
        long limit = config.memoryLimitBytes().orElse(CheckpointSize.physicalMemory());
        if (limit > 0 && mapped > limit) {
            throw new IllegalStateException("The checkpoint in " + dir + " maps " + mapped
                    + " bytes, more than the " + limit + " bytes of memory this host may use"
                    + " (modelhost.memory-limit-bytes); use a machine with more memory or a smaller checkpoint.");
        }
        Log.infof("Model host: loading %s (%d bytes to map, memory limit %d bytes)", dir, mapped, limit);
        Thread.ofPlatform().name("modelhost-loader").daemon(true).start(() -> load(dir));
    }

    private void load(Path dir) {
        long t0 = System.nanoTime();
        try {
            Path tokFile = config.tokenizer().orElse(dir.resolve("tokenizer.json"));
            Log.infof("Model host: [1/3] tokenizer from %s", Files.exists(tokFile) ? tokFile : "the bundled V4 file");
            tokenizer = Files.exists(tokFile) ? Tokenizer.load(tokFile) : Tokenizer.deepSeekV4();
            encoder = new ChatEncoder(tokenizer);
            int n = config.engineThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.engineThreads();
            threads = EngineThreads.create(n);
            Log.infof("Model host: [2/3] mapping and validating the weights (%d engine threads)", n);
            model = V4Model.load(dir, threads);
            ModelConfig mc = model.config();
            kvBytesBase = model.newSequence().byteSize();
            kvBytesPerToken = kvBytesPerToken(mc);
            cache = config.prefixCache().enabled() && config.prefixCache().bytes() > 0
                    ? new PrefixCache(
                            config.prefixCache().blockSize(),
                            config.prefixCache().bytes())
                    : null;
            Log.infof(
                    "Model host: [3/3] starting the scheduler (max running %d, KV budget %d bytes, %d + %.1f bytes"
                            + " per sequence + per token, prefix cache %s)",
                    config.maxRunningSequences(),
                    config.kvCacheBytes(),
                    kvBytesBase,
                    kvBytesPerToken,
                    cache == null ? "off" : config.prefixCache().bytes() + " bytes");
            scheduler = new Scheduler(
                    model,
                    cache,
                    metrics,
                    config.maxRunningSequences(),
                    config.maxWaitingRequests(),
                    config.kvCacheBytes(),
                    config.prefillTokensPerStep(),
                    config.prefixCache().blockSize(),
                    config.prefixCache().snapshotIntervalBlocks());
            state = HostState.READY;
            Log.infof(
                    "Model host: serving %s as %s, ready in %.1f s",
                    dir, config.servedModelName(), (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException | Error e) {
            failure = e.getMessage();
            state = HostState.FAILED;
            Log.errorf("Model host: loading %s failed: %s", dir, e.getMessage());
            Quarkus.asyncExit(1);
        }
    }

    /** Heap bytes one more token adds to a sequence state: compressed entries of every compressed layer (fp32). */
    private static double kvBytesPerToken(ModelConfig mc) {
        double b = 0;
        for (int l = 0; l < mc.numLayers(); l++) {
            int r = mc.compressRatio(l);
            if (r != 0) {
                b += 4.0 * mc.headDim() / r;
                if (mc.isCsa(l)) {
                    b += 4.0 * mc.indexHeadDim() / r;
                }
            }
        }
        return b;
    }

    void onStop(@Observes ShutdownEvent event) {
        drain();
        Scheduler s = scheduler;
        if (s != null) {
            s.close();
        }
        if (threads != null) {
            threads.close();
        }
    }

    /**
     * Drains: readiness false, new requests refused with 503, running and waiting requests get the drain grace to
     * finish; whatever is left is cut (finish reason {@code abort}).
     */
    public void drain() {
        Scheduler s = scheduler;
        if (state == HostState.READY) {
            state = HostState.DRAINING;
        }
        if (s == null) {
            return;
        }
        s.beginDrain();
        Log.infof(
                "Model host: draining (%d running, %d waiting, grace %s)",
                s.running(), s.waiting(), config.drainGrace());
        try {
            if (!s.awaitIdle(config.drainGrace().toNanos())) {
                Log.warnf("Model host: drain grace over, cutting %d running requests", s.running());
                s.cancelRunning();
                s.awaitIdle(2_000_000_000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes requests again after {@link #drain()} (tests only: a real drain ends the process). */
    public void resume() {
        Scheduler s = scheduler;
        if (s != null) {
            s.endDrain();
            state = HostState.READY;
        }
    }

    /** Starts a drain without waiting (tests). */
    public void beginDrain() {
        Scheduler s = scheduler;
        state = HostState.DRAINING;
        if (s != null) {
            s.beginDrain();
        }
    }

    public HostState state() {
        return state;
    }

    public boolean ready() {
        return state == HostState.READY;
    }

    /** Why loading failed, if it did. */
    public String failure() {
        return failure;
    }

    public ModelHostConfig config() {
        return config;
    }

    public HostMetrics metrics() {
        return metrics;
    }

    public V4Model model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatEncoder encoder() {
        return encoder;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The prefix cache, or null when disabled. */
    public PrefixCache prefixCache() {
        return cache;
    }

    /** Worst-case heap bytes of a sequence of {@code tokens} tokens (what the scheduler reserves). */
    public long kvBytesFor(long tokens) {
        return kvBytesBase + (long) Math.ceil(kvBytesPerToken * tokens);
    }

    /** Longest prompt + completion the KV budget allows for one sequence. */
    public long maxTokensByBudget() {
        return kvBytesPerToken <= 0 ? Long.MAX_VALUE : (long) ((config.kvCacheBytes() - kvBytesBase) / kvBytesPerToken);
    }
}
