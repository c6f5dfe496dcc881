package io.ascendant.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the tenant data path ({@code gateway.*}): request limits, the upstream client's fault-tolerance
 * policy, dispatch scoring, the model catalogue and metering. Every item has a default that suits a small cluster;
 * tests shorten the timeouts.
 */
@ConfigMapping(prefix = "gateway")
public interface DataPathConfig {

    /** Request limits. */
    Limits limits();

    /** The upstream (model-host) client. */
    Upstream upstream();

    /** Pod selection. */
    Dispatch dispatch();

    /** Routes and pools. */
    Catalogue catalogue();

    /** Usage records. */
    Metering metering();

    /** How tenant and admin API reads wait for PostgreSQL. */
    Database database();

    /** How long HTTP/1.x clients may take to send a request. */
    Http http();

    interface Http {
        /**
         * Longest time to read a request's head (request line and headers) over HTTP/1.x, from the connection's
         * opening, and again from the head's first byte; past it the connection is closed (slowloris). Never applies
         * while an answer is prepared or written. Default 10 s.
         */
        @WithDefault("10s")
        Duration headerReadTimeout();

        /**
         * How long an HTTP/1.x connection may stay idle after an answer before the first byte of its next request;
         * then it is closed (nginx's {@code keepalive_timeout}). Default 75 s.
         */
        @WithDefault("75s")
        Duration keepAliveTimeout();

        /**
         * Longest pause between two reads of a request body over HTTP/1.x while the gateway reads it; past it the
         * request is answered 408 and the connection closed. Never applies while an answer is prepared or written
         * (a streamed answer may be silent for long). Default 30 s.
         */
        @WithDefault("30s")
        Duration bodyReadTimeout();

        /**
         * Longest time to read a whole request body over HTTP/1.x, from the end of its head; past it the request is
         * answered 408 and the connection closed, however steadily the body trickles in (the pause bound alone let a
         * client sending a byte every few seconds hold a connection for ever). Like the pause bound, it does not run
         * while the gateway itself has stopped reading. Default 120 s.
         */
        @WithDefault("120s")
        Duration bodyReadDeadline();
    }

    interface Database {
        /**
         * Longest wait for any one answer from PostgreSQL on a connection taken by a {@code GET}/{@code HEAD} request
         * under {@code /v1/} or {@code /admin/} (network timeout; {@code DatabaseReadTimeout}): past it the read fails
         * and the request is answered 503 with {@code Retry-After}. Admin writes (invoice drafting) are not bounded.
         * Default 10 s.
         */
        @WithDefault("10s")
        Duration readTimeout();
    }

    interface Limits {
        /** Largest accepted request body in bytes; larger bodies get 413. Default 4 MiB. */
        @WithDefault("4194304")
        int maxBodyBytes();

        /**
         * Bodies larger than this many bytes are parsed, translated and counted on a worker thread rather than on
         * the event loop, where a few MiB of JSON would hold every other request on that loop. Default 64 KiB.
         */
        @WithName("worker-parse-over-bytes")
        @WithDefault("65536")
        int workerParseOverBytes();

        /**
         * Request parameters the gateway rejects with 400 naming the parameter (OpenAI features the hosts do not
         * implement).
         */
        @WithDefault(
                "audio,modalities,prediction,web_search_options,functions,function_call,store,metadata,logit_bias,best_of,suffix")
        List<String> unsupportedParameters();
    }

    interface Upstream {
        /** TCP connect timeout to a pod. Default 2 s. */
        @WithDefault("2s")
        Duration connectTimeout();

        /**
         * Time from sending a request to the first byte of the answer the gateway can forward: the first SSE event
         * of a stream, or the whole body of a non-streamed answer (hosts send nothing before it is complete).
         * Default 300 s.
         */
        @WithDefault("300s")
        Duration firstByteTimeout();

        /** Longest silence between two chunks of a stream after the first; then the stream fails. Default 60 s. */
        @WithDefault("60s")
        Duration streamIdleTimeout();

        /** Further pods to try after a connection failure or a 503, before the first byte. Default 2. */
        @WithDefault("2")
        int maxRetries();

        /** HTTP/1.1 connections kept per pod, split evenly over the event loops (each request uses its own loop's). Default 512. */
        @WithDefault("512")
        int connectionsPerPod();

        /** Concurrent requests per pod (bulkhead); a full pod is skipped for the next. Default 1024. */
        @WithDefault("1024")
        int bulkheadPerPod();

        /** Circuit breaker: calls in the rolling window. Default 10. */
        @WithDefault("10")
        int breakerWindow();

        /** Circuit breaker: failure ratio in the window that opens the circuit. Default 0.5. */
        @WithDefault("0.5")
        double breakerFailureRatio();

        /** Circuit breaker: how long the circuit stays open before a trial call. Default 5 s. */
        @WithDefault("5s")
        Duration breakerDelay();

        /** Interval of the {@code /metrics} poll of every pod (load signals). Default 100 ms. */
        @WithDefault("100ms")
        Duration metricsInterval();

        /** Interval of the {@code /health} poll of every pod. Default 1 s. */
        @WithDefault("1s")
        Duration healthInterval();

        /** Consecutive failed health polls that mark a pod unhealthy. Default 2. */
        @WithDefault("2")
        int unhealthyAfter();

        /**
         * Interval of the {@code GET /v1/models} poll of every pod, which reads the context window it serves
         * ({@code max_model_len}). A new pod is also asked before it first becomes ready, and a pod back after failed
         * health checks as it becomes ready again. Default 30 s.
         */
        @WithDefault("30s")
        Duration modelCardInterval();
    }

    interface Dispatch {
        /**
         * {@code scored} (prefix affinity, load and in-flight tokens) or {@code round-robin} (only for comparison in
         * benchmarks). Default scored.
         */
        @WithDefault("scored")
        String strategy();

        /** Load samples older than this count as saturation. Default 500 ms. */
        @WithDefault("500ms")
        Duration metricsStaleAfter();

        /**
         * How often the per-pod gauges on {@code /q/metrics} ({@code gateway_pod_*}, see {@code PodMetrics}) re-read
         * the pod set. Default 5 s.
         */
        @WithDefault("5s")
        Duration podMetricsInterval();

        /** A pod with at least this many waiting requests is saturated. Default 8. */
        @WithDefault("8")
        int saturationQueueDepth();

        /** A pod at or above this KV-cache use (0..1) is saturated. Default 0.95. */
        @WithDefault("0.95")
        double saturationKvCache();

        /** Tokens the gateway may have in flight to one pod before it counts as saturated. Default 2,000,000. */
        @WithDefault("2000000")
        long saturationInFlightTokens();

        /** Characters per prefix block (about 16 tokens). Default 64. */
        @WithDefault("64")
        int prefixBlockChars();

        /** Leading blocks hashed per prompt. Default 256. */
        @WithDefault("256")
        int prefixMaxBlocks();

        /** Block hashes remembered per pod (power of two). Default 65536. */
        @WithDefault("65536")
        int prefixEntriesPerPod();

        /** Score weight of the prefix-cache match fraction. Default 3. */
        @WithDefault("3")
        double weightPrefix();

        /** Score weight of the (inverse) queue depth. Default 2. */
        @WithDefault("2")
        double weightQueue();

        /** Score weight of the free KV cache. Default 2. */
        @WithDefault("2")
        double weightKvCache();

        /** Score weight of the (inverse) tokens in flight from this gateway. Default 1. */
        @WithDefault("1")
        double weightInFlight();

        /** {@code Retry-After} seconds sent with 429 when every pod is saturated. Default 1. */
        @WithDefault("1")
        int retryAfterSeconds();
    }

    interface Catalogue {
        /** How often each replica checks the database for catalogue changes. Default 2 s. */
        @WithDefault("2s")
        Duration refreshInterval();

        /** Whether the catalogue is also read from the database (admin-managed). Default true. */
        @WithDefault("true")
        boolean database();

        /** Interval of DNS discovery for pools that use it. Default 5 s. */
        @WithDefault("5s")
        Duration dnsInterval();

        /** Static model routes by public name. */
        Map<String, StaticModel> models();

        /** Static pools by name. */
        Map<String, StaticPool> pools();
    }

    interface StaticModel {
        /** Pool serving this model. */
        String pool();

        /** Other public names of the model. */
        Optional<List<String>> aliases();

        /** Price tier (billing); defaults to the public name. */
        Optional<String> priceTier();

        /** Model name sent to the hosts; defaults to the public name. */
        Optional<String> upstreamModel();

        /** Largest {@code max_tokens} a request may ask for. Default 65536. */
        @WithDefault("65536")
        long maxOutputTokens();

        /**
         * Context window in tokens (prompt plus output). Default 1048576. Tenants get (in {@code /v1/models} and the
         * request check) the smaller of it and the smallest {@code max_model_len} the pool's ready pods report.
         */
        @WithDefault("1048576")
        long contextLength();
    }

    interface StaticPool {
        /** Endpoint base URLs ({@code http://host:port}). */
        Optional<List<String>> endpoints();

        /** {@code host:port} of a DNS name (Kubernetes headless service) whose A records are the pods. */
        Optional<String> dns();

        /** Accelerator of the pool's pods: CPU or ASCEND. Default CPU. */
        @WithDefault("CPU")
        String accelerator();
    }

    interface Metering {
        /** Attempts to hand one usage record to the ledger before it is logged as lost. Default 20. */
        @WithDefault("20")
        int maxAttempts();

        /**
         * Tenants (ids) whose requests are served although their model has no price in force in their currency: the
         * usage is recorded {@code UNPRICED}, charged 0, and {@code ascendant billing reconcile} reports it (exit 3).
         * Meant for internal tenants that are never invoiced. Every other tenant's request for an unpriced model is
         * refused before dispatch (403 {@code model_not_priced}). Default none. An entry that is not a UUID stops
         * start-up.
         */
        @WithName("serve-unpriced-tenants")
        Optional<java.util.Set<String>> serveUnpricedTenants();

        /** Pause between attempts. Default 500 ms. */
        @WithName("retry-delay")
        @WithDefault("500ms")
        Duration retryDelay();

        /**
         * When the last byte of an answer may leave. {@code journal} (default): once its usage record is appended to
         * the gateway's local usage journal ({@link io.ascendant.gateway.metering.UsageJournal}); the ledger's
         * PostgreSQL commit follows in the background, and records the ledger has not committed are replayed from
         * the journal at the next start, so a crash of the gateway process loses no answered usage and the commit
         * adds no latency. {@code ledger}: once the ledger has committed it (a database commit on every answer's
         * path; nothing depends on the gateway's local disk).
         */
        @WithDefault("journal")
        Acknowledge acknowledge();

        /** The usage journal's directory, one per gateway replica. Default {@code <ascendant home>/data/usage-journal}. */
        @WithName("journal-dir")
        Optional<Path> journalDir();

        /**
         * How often the journal is forced to disk (fsync). Records written since the last force survive a crash of
         * the process but not of the machine. Default 50 ms.
         */
        @WithName("journal-sync-interval")
        @WithDefault("50ms")
        Duration journalSyncInterval();

        /**
         * With {@code acknowledge=journal}: how long a journalled record waits before its ledger delivery starts, so
         * that one ledger commit serves the records of that interval (fewer commits and wake-ups at low
         * concurrency; answers never wait for it). 0 delivers each at once. Default 200 ms: on the 2-core benchmark
         * machine, fewer and larger ledger commits cut the concurrency-1 p99 the gateway adds from about 2.2 ms (20 ms)
         * to 0.9-1.3 ms; budget holds settle that much later.
         */
        @WithName("journal-linger")
        @WithDefault("200ms")
        Duration journalLinger();

        /**
         * With {@code acknowledge=journal}: how often each running stream's usage so far (the output relayed up to
         * then) is checkpointed in the usage journal, so that a crash of the gateway process bills what the stream's
         * client already received (recorded at the next start as {@code FAILED_AFTER_PARTIAL_OUTPUT}). The first
         * checkpoint is written within one interval of the stream's first output, then at most one per interval
         * while output keeps coming. 0 writes no checkpoints. Default 1 s.
         */
        @WithName("stream-checkpoint-interval")
        @WithDefault("1s")
        Duration streamCheckpointInterval();

        /** Size at which a journal segment is sealed and a new one started. Default 8 MiB. */
        @WithName("journal-segment-bytes")
        @WithDefault("8388608")
        long journalSegmentBytes();
    }

    /** See {@link Metering#acknowledge()}. */
    enum Acknowledge {
        JOURNAL,
        LEDGER
    }
}
