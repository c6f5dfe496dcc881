package io.ascendant.modelhost.server.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * The host's Prometheus metrics under vLLM's names and meanings, written by hand because Micrometer rewrites the
 * colon in {@code vllm:*}. Counters follow the Prometheus convention of vLLM: the sample carries a {@code _total}
 * suffix. Every series has the label {@code model_name}. Thread-safe.
 */
public final class HostMetrics {
    private static final double[] TTFT = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    };
    private static final double[] ITL = {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    };
    private static final double[] E2E = {
        0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
        1920.0, 7680.0
    };

    private final String labels;
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generationTokens = new AtomicLong();
    private final AtomicLong requestsSuccess = new AtomicLong();
    private final AtomicLong engineNanos = new AtomicLong();
    private final AtomicLong stepNanos = new AtomicLong();
    private final Histogram ttft = new Histogram(TTFT);
    private final Histogram itl = new Histogram(ITL);
    private final Histogram e2e = new Histogram(E2E);

    public HostMetrics(String modelName) {
        this.labels = "model_name=\"" + modelName.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public void promptTokens(long n) {
        promptTokens.addAndGet(n);
    }

    public void generationToken() {
        generationTokens.incrementAndGet();
    }

    public void timeToFirstToken(double seconds) {
        ttft.observe(seconds);
    }

    public void interTokenLatency(double seconds) {
        itl.observe(seconds);
    }

    public void requestFinished(double seconds) {
        e2e.observe(seconds);
        requestsSuccess.incrementAndGet();
    }

    /**
     * One scheduler iteration: {@code stepNanos} wall time of the whole iteration on the scheduler thread (admission,
     * prefill, batched decode, sampling, the answer pipeline of every token), {@code engineNanos} of it inside the
     * engine ({@code extend}, {@code decodeBatch}). Their difference is what the host adds to the bare engine on the
     * scheduler thread.
     */
    public void schedulerStep(long stepNanos, long engineNanos) {
        this.stepNanos.addAndGet(stepNanos);
        this.engineNanos.addAndGet(engineNanos);
    }

    public long generationTokens() {
        return generationTokens.get();
    }

    public long promptTokens() {
        return promptTokens.get();
    }

    /** Live values that belong to the scheduler and the prefix cache. */
    public record Gauges(
            DoubleSupplier running,
            DoubleSupplier waiting,
            DoubleSupplier kvUsage,
            DoubleSupplier cacheQueries,
            DoubleSupplier cacheHits) {}

    /** Prometheus text exposition (format 0.0.4). */
    public String scrape(Gauges g) {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.", g.running());
        gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", g.waiting());
        gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", g.kvUsage());
        counter(out, "vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.", (long)
                g.cacheQueries().getAsDouble());
        counter(out, "vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", (long)
                g.cacheHits().getAsDouble());
        counter(out, "vllm:prompt_tokens", "Number of prefill tokens processed.", promptTokens.get());
        counter(out, "vllm:generation_tokens", "Number of generation tokens processed.", generationTokens.get());
        counter(out, "vllm:request_success", "Count of finished requests.", requestsSuccess.get());
        seconds(
                out,
                "modelhost:scheduler_step_seconds",
                "Wall time of scheduler iterations (admission, prefill, decode, sampling, answer pipeline).",
                stepNanos.get());
        seconds(
                out,
                "modelhost:engine_seconds",
                "Wall time of it inside the engine (extend, decodeBatch).",
                engineNanos.get());
        ttft.write(out, "vllm:time_to_first_token_seconds", labels);
        itl.write(out, "vllm:inter_token_latency_seconds", labels);
        e2e.write(out, "vllm:e2e_request_latency_seconds", labels);
        return out.toString();
    }

    private void gauge(StringBuilder out, String name, String help, DoubleSupplier v) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name)
                .append('{')
                .append(labels)
                .append("} ")
                .append(v.getAsDouble())
                .append('\n');
    }

    private void seconds(StringBuilder out, String name, String help, long nanos) {
        out.append("# HELP ").append(name).append("_total ").append(help).append('\n');
        out.append("# TYPE ").append(name).append("_total counter\n");
        out.append(name)
                .append("_total{")
                .append(labels)
                .append("} ")
                .append(nanos / 1e9)
                .append('\n');
    }

    private void counter(StringBuilder out, String name, String help, long v) {
        out.append("# HELP ").append(name).append("_total ").append(help).append('\n');
        out.append("# TYPE ").append(name).append("_total counter\n");
        out.append(name).append("_total{").append(labels).append("} ").append(v).append('\n');
    }
}
