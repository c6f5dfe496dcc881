package io.ascendant.modelhost.api;

/**
 * The HTTP contract every model-host pod serves, whether it runs the native V4 engine or vLLM(-Ascend): the
 * paths and the Prometheus metric names the gateway reads. The names follow vLLM's OpenAI server so that pods of
 * either kind are interchangeable behind the gateway.
 */
public final class HostContract {
    /** OpenAI chat completions, streamed (SSE) or not. */
    public static final String CHAT_COMPLETIONS = "/v1/chat/completions";
    /** OpenAI legacy completions. */
    public static final String COMPLETIONS = "/v1/completions";
    /** The models the pod serves. */
    public static final String MODELS = "/v1/models";
    /** Liveness: 200 while the process runs. */
    public static final String HEALTH = "/health";
    /** Prometheus text exposition with vLLM's metric names. */
    public static final String METRICS = "/metrics";
    /** Text to token ids ({@code {"model":..,"prompt":..}} to {@code {"tokens":[..],"count":n}}). */
    public static final String TOKENIZE = "/tokenize";
    /** Token ids to text. */
    public static final String DETOKENIZE = "/detokenize";

    /** Gauge: sequences currently in a decode or prefill step. */
    public static final String METRIC_REQUESTS_RUNNING = "vllm:num_requests_running";
    /** Gauge: sequences admitted but waiting for a batch slot. */
    public static final String METRIC_REQUESTS_WAITING = "vllm:num_requests_waiting";
    /** Gauge: fraction 0..1 of the KV-cache budget in use. */
    public static final String METRIC_KV_CACHE_USAGE = "vllm:kv_cache_usage_perc";

    /**
     * Request header carrying the gateway's request id to the host; hosts log it and may echo it. Format: 1 to 128
     * characters from {@code [A-Za-z0-9._:-]}.
     */
    public static final String HEADER_REQUEST_ID = "x-request-id";

    /** Streaming request option the gateway always sets so that a stream ends with a usage chunk. */
    public static final String STREAM_OPTIONS = "stream_options";
    /** Member of {@link #STREAM_OPTIONS}: ask for the final usage chunk. */
    public static final String INCLUDE_USAGE = "include_usage";

    private HostContract() {}
}
