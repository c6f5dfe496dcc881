package io.ascendant.gateway.fakehost;

/**
 * The load a {@link FakeModelHost} reports on {@code /metrics} in vLLM's Prometheus text format: the gauges tests set
 * and the prefix-cache counters (in tokens, 16 per block). Fields are volatile: tests write them on their thread, the
 * event loop reads them.
 */
final class FakeLoadGauges {
    static final double IDLE_KV_CACHE = 0.1;

    volatile boolean enabled = true;
    volatile double running;
    volatile double waiting;
    volatile double kvCache = IDLE_KV_CACHE;

    /** Idle gauges, metrics on. */
    void reset() {
        enabled = true;
        running = 0;
        waiting = 0;
        kvCache = IDLE_KV_CACHE;
    }

    /** The {@code /metrics} body. */
    String render(FakePrefixCache cache) {
        return "# TYPE vllm:num_requests_running gauge\n"
                + "vllm:num_requests_running{model_name=\"fake\"} " + running + "\n"
                + "# TYPE vllm:num_requests_waiting gauge\n"
                + "vllm:num_requests_waiting{model_name=\"fake\"} " + waiting + "\n"
                + "# TYPE vllm:kv_cache_usage_perc gauge\n"
                + "vllm:kv_cache_usage_perc{model_name=\"fake\"} " + kvCache + "\n"
                + "# TYPE vllm:prefix_cache_queries counter\n"
                + "vllm:prefix_cache_queries_total{model_name=\"fake\"} " + cache.blocksSeen() * 16 + "\n"
                + "# TYPE vllm:prefix_cache_hits counter\n"
                + "vllm:prefix_cache_hits_total{model_name=\"fake\"} " + cache.blockHits() * 16 + "\n";
    }
}
