package io.ascendant.modelhost.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostLoadTest {

    @Test
    void readsVllmGaugesSummingLabelSets() {
        String text = """
                # HELP vllm:num_requests_running Number of requests in model execution batches.
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{model_name="deepseek-v4-flash"} 3.0
                vllm:num_requests_running{model_name="deepseek-v4-pro"} 2.0
                vllm:num_requests_waiting{model_name="deepseek-v4-flash"} 7
                vllm:num_requests_waiting_by_reason{reason="capacity"} 99
                vllm:kv_cache_usage_perc{model_name="deepseek-v4-flash"} 0.25
                vllm:kv_cache_usage_perc{model_name="deepseek-v4-pro"} 0.5 1700000000
                """;
        HostLoad load = HostLoad.parsePrometheus(text);
        assertThat(load.running()).isEqualTo(5.0);
        assertThat(load.waiting()).isEqualTo(7.0);
        assertThat(load.kvCacheUsage()).isEqualTo(0.5);
        assertThat(load.complete()).isTrue();
    }

    @Test
    void marksMissingGaugesAsAbsent() {
        HostLoad load = HostLoad.parsePrometheus("vllm:num_requests_running 1\nbroken{ 3\n");
        assertThat(load.running()).isEqualTo(1.0);
        assertThat(load.waiting()).isEqualTo(-1.0);
        assertThat(load.complete()).isFalse();
    }
}
