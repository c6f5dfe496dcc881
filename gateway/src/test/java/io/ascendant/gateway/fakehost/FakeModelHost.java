package io.ascendant.gateway.fakehost;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scriptable OpenAI-compatible model host on loopback, speaking the gateway-host contract the way vLLM does:
 * {@code /v1/chat/completions} and {@code /v1/completions} (JSON or SSE), {@code /health} and {@code /metrics} with
 * vLLM's gauge names. Test code scripts it: one-shot {@link Behaviour}s per request or a default, load gauges,
 * health, a prefix cache whose hits lower the time to first token, and it records what it received.
 *
 * <p>Answers: the content is {@link #answerText} split into words, one word per stream chunk; with a {@code tools}
 * request it calls the first tool with {@code {"city":"Paris"}}; with {@code thinking.type=enabled} it first emits
 * {@link #reasoningText} as {@code reasoning_content} (or {@code reasoning} when {@link #reasoningFieldName} says so).
 * Usage: prompt tokens = prompt characters / 4, completion tokens = words (+ reasoning words), cached tokens = 16
 * per prefix block (64 characters) found in its cache.
 */
public final class FakeModelHost implements AutoCloseable {

    /** What the host does with one request. */
    public enum Behaviour {
        /** Answer normally. */
        NORMAL,
        /** Answer 503 (loading / overloaded). */
        UNAVAILABLE_503,
        /** Answer 500. */
        ERROR_500,
        /** Answer 400 with an OpenAI error body. */
        BAD_REQUEST_400,
        /** Never answer. */
        HANG,
        /** Stream two chunks, then drop the connection. */
        DIE_MID_STREAM,
        /** Stream two chunks, then stay silent (a hung engine). */
        STALL_MID_STREAM,
        /** Answer normally but without any usage object. */
        OMIT_USAGE
    }

    private final Vertx vertx;
    private final boolean ownVertx;
    private final String name;
    private HttpServer server;
    private int port;

    private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
    private volatile Behaviour defaultBehaviour = Behaviour.NORMAL;
    private volatile boolean healthy = true;
    private volatile boolean metricsEnabled = true;
    private volatile double running;
    private volatile double waiting;
    private volatile double kvCache = 0.1;
    /** Words of the answer; one stream chunk each. */
    public volatile String answerText = "Hello from the fake host";
    /** Reasoning emitted when thinking is enabled. */
    public volatile String reasoningText = "Let me think";
    /** {@code reasoning_content} (DeepSeek) or {@code reasoning} (newer vLLM). */
    public volatile String reasoningFieldName = "reasoning_content";
    /** Delay between stream chunks in ms. */
    public volatile long chunkDelayMs = 0;
    /** Time to first token: base plus per uncached prefix block, in ms (0 = immediate). */
    public volatile double ttftBaseMs = 0;

    public volatile double ttftPerMissBlockMs = 0;

    /** Prefix blocks cached, least recently used first; bounded by {@link #cacheBlocks} (a KV cache's size). */
    private final java.util.LinkedHashMap<Long, Boolean> prefixCache = new java.util.LinkedHashMap<>(1024, 0.75f, true);
    /** Capacity of the prefix cache in 64-character blocks. */
    public volatile int cacheBlocks = Integer.MAX_VALUE;

    private final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> receivedRequestIds = Collections.synchronizedList(new ArrayList<>());
    private final List<String> receivedGatewayRequestIds = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger clientAborts = new AtomicInteger();
    private final AtomicLong promptBlocks = new AtomicLong();
    private final AtomicLong promptBlockHits = new AtomicLong();
    private volatile boolean recordRequests = true;

    /** A host on its own Vert.x instance. */
    public FakeModelHost(String name) {
        this(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)), true, name);
    }

    /** A host on a shared Vert.x instance (benchmarks). */
    public FakeModelHost(Vertx vertx, boolean ownVertx, String name) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.name = name;
    }

    /** Starts on a random free loopback port (or {@code port} when not 0). */
    public FakeModelHost start(int port) {
        CountDownLatch latch = new CountDownLatch(1);
        Throwable[] error = new Throwable[1];
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setTcpNoDelay(true))
                .requestHandler(this::handle);
        server.listen().onComplete(ar -> {
            if (ar.failed()) {
                error[0] = ar.cause();
            } else {
                this.port = ar.result().actualPort();
            }
            latch.countDown();
        });
        try {
            if (!latch.await(10, TimeUnit.SECONDS) || error[0] != null) {
                throw new IllegalStateException("fake host did not start", error[0]);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Stops listening and drops open connections (a killed pod). */
    public void stop() {
        if (server != null) {
            CountDownLatch latch = new CountDownLatch(1);
            server.close().onComplete(ar -> latch.countDown());
            try {
                latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
        if (ownVertx) {
            vertx.close();
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String name() {
        return name;
    }

    /** Back to defaults: normal answers, healthy, idle gauges, empty records and cache. */
    public void reset() {
        script.clear();
        defaultBehaviour = Behaviour.NORMAL;
        healthy = true;
        metricsEnabled = true;
        running = 0;
        waiting = 0;
        kvCache = 0.1;
        answerText = "Hello from the fake host";
        reasoningText = "Let me think";
        reasoningFieldName = "reasoning_content";
        chunkDelayMs = 0;
        ttftBaseMs = 0;
        ttftPerMissBlockMs = 0;
        synchronized (prefixCache) {
            prefixCache.clear();
        }
        received.clear();
        receivedRequestIds.clear();
        receivedGatewayRequestIds.clear();
        completed.set(0);
        clientAborts.set(0);
        promptBlocks.set(0);
        promptBlockHits.set(0);
    }

    /** The next requests behave as given, in order; then the default applies. */
    public void script(Behaviour... next) {
        Collections.addAll(script, next);
    }

    public void defaultBehaviour(Behaviour b) {
        defaultBehaviour = b;
    }

    public void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    public void metricsEnabled(boolean enabled) {
        this.metricsEnabled = enabled;
    }

    /** Sets the load gauges reported on {@code /metrics}. */
    public void load(double running, double waiting, double kvCache) {
        this.running = running;
        this.waiting = waiting;
        this.kvCache = kvCache;
    }

    public void recordRequests(boolean record) {
        this.recordRequests = record;
    }

    /** Completion request bodies received, in order. */
    public List<JsonObject> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** {@code x-ascendant-request-id} headers (the gateway's own request ids) received, in order. */
    public List<String> receivedGatewayRequestIds() {
        synchronized (receivedGatewayRequestIds) {
            return List.copyOf(receivedGatewayRequestIds);
        }
    }

    /** {@code x-request-id} headers received, in order. */
    public List<String> receivedRequestIds() {
        synchronized (receivedRequestIds) {
            return List.copyOf(receivedRequestIds);
        }
    }

    /** Completion requests received (also those that failed). */
    public int requestCount() {
        return received.size();
    }

    /** Requests whose client closed the connection before the answer ended. */
    public int clientAborts() {
        return clientAborts.get();
    }

    /** Prefix blocks seen / found in the cache (for the hit rate). */
    public long promptBlocks() {
        return promptBlocks.get();
    }

    public long promptBlockHits() {
        return promptBlockHits.get();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/health" -> req.response().setStatusCode(healthy ? 200 : 503).end();
            case "/metrics" -> metrics(req);
            case "/v1/chat/completions", "/v1/completions" -> req.body().onSuccess(b -> completion(req, b, path));
            case "/v1/models" ->
                req.response()
                        .putHeader("content-type", "application/json")
                        .end(new JsonObject()
                                .put("object", "list")
                                .put("data", new JsonArray().add(new JsonObject().put("id", "fake")))
                                .encode());
            default -> req.response().setStatusCode(404).end();
        }
    }

    private void metrics(HttpServerRequest req) {
        if (!metricsEnabled) {
            req.response().setStatusCode(404).end();
            return;
        }
        String text = "# TYPE vllm:num_requests_running gauge\n"
                + "vllm:num_requests_running{model_name=\"fake\"} " + running + "\n"
                + "# TYPE vllm:num_requests_waiting gauge\n"
                + "vllm:num_requests_waiting{model_name=\"fake\"} " + waiting + "\n"
                + "# TYPE vllm:kv_cache_usage_perc gauge\n"
                + "vllm:kv_cache_usage_perc{model_name=\"fake\"} " + kvCache + "\n"
                + "# TYPE vllm:prefix_cache_queries counter\n"
                + "vllm:prefix_cache_queries_total{model_name=\"fake\"} " + promptBlocks.get() * 16 + "\n"
                + "# TYPE vllm:prefix_cache_hits counter\n"
                + "vllm:prefix_cache_hits_total{model_name=\"fake\"} " + promptBlockHits.get() * 16 + "\n";
        req.response().putHeader("content-type", "text/plain; version=0.0.4").end(text);
    }

    private void completion(HttpServerRequest req, Buffer body, String path) {
        JsonObject json = body.toJsonObject();
        if (recordRequests) {
            received.add(json);
            receivedRequestIds.add(req.getHeader("x-request-id"));
            receivedGatewayRequestIds.add(req.getHeader("x-ascendant-request-id"));
        }
        Behaviour scripted = script.poll();
        Behaviour b = scripted == null ? defaultBehaviour : scripted;
        HttpServerResponse resp = req.response();
        resp.closeHandler(v -> {
            if (!resp.ended()) {
                clientAborts.incrementAndGet();
            }
        });
        switch (b) {
            case UNAVAILABLE_503 -> {
                error(resp, 503, "The engine is loading.");
                return;
            }
            case ERROR_500 -> {
                error(resp, 500, "Engine crashed.");
                return;
            }
            case BAD_REQUEST_400 -> {
                error(resp, 400, "This model's maximum context length is 8 tokens.");
                return;
            }
            case HANG -> {
                return;
            }
            default -> {}
        }
        boolean chat = path.equals("/v1/chat/completions");
        String prompt = chat ? promptOf(json.getJsonArray("messages")) : String.valueOf(json.getValue("prompt"));
        long[] cache = prefix(prompt);
        long promptTokens = Math.max(1, prompt.length() / 4);
        long cached = Math.min(promptTokens, cache[0] * 16);
        double ttft = ttftBaseMs + ttftPerMissBlockMs * cache[1];
        boolean thinking = "enabled"
                .equals(json.getJsonObject("thinking", new JsonObject()).getString("type"));
        boolean tools = json.getJsonArray("tools") != null
                && !json.getJsonArray("tools").isEmpty();
        boolean usage = b != Behaviour.OMIT_USAGE;
        Answer answer = new Answer(json.getString("model"), chat, thinking, tools, promptTokens, cached, usage);
        Runnable go = () -> {
            if (json.getBoolean("stream", false)) {
                boolean includeUsage = usage
                        && json.getJsonObject("stream_options", new JsonObject())
                                .getBoolean("include_usage", false);
                stream(resp, answer, includeUsage, b);
            } else {
                resp.putHeader("content-type", "application/json")
                        .end(answer.whole().encode());
                completed.incrementAndGet();
            }
        };
        if (ttft >= 1) {
            vertx.setTimer((long) ttft, id -> go.run());
        } else {
            go.run();
        }
    }

    private static void error(HttpServerResponse resp, int status, String message) {
        resp.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject()
                        .put(
                                "error",
                                new JsonObject()
                                        .put("message", message)
                                        .put("type", status == 400 ? "BadRequestError" : "ServiceUnavailableError")
                                        .put("code", status))
                        .encode());
    }

    private static String promptOf(JsonArray messages) {
        StringBuilder sb = new StringBuilder();
        if (messages != null) {
            for (Object o : messages) {
                if (o instanceof JsonObject m) {
                    sb.append(m.getString("role"))
                            .append(": ")
                            .append(String.valueOf(m.getValue("content")))
                            .append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** Looks the prompt's 64-character blocks up in the cache and adds them; returns {hits, misses}. */
    private long[] prefix(String prompt) {
        int blocks = prompt.length() / 64;
        long h = 1469598103934665603L;
        long hits = 0;
        boolean chain = true;
        synchronized (prefixCache) {
            for (int i = 0; i < blocks; i++) {
                h = (h ^ prompt.substring(i * 64, (i + 1) * 64).hashCode()) * 1099511628211L;
                if (chain && prefixCache.get(h) != null) {
                    hits++;
                } else {
                    chain = false;
                    prefixCache.put(h, Boolean.TRUE);
                }
            }
            while (prefixCache.size() > cacheBlocks) {
                Long eldest = prefixCache.keySet().iterator().next();
                prefixCache.remove(eldest);
            }
        }
        promptBlocks.addAndGet(blocks);
        promptBlockHits.addAndGet(hits);
        return new long[] {hits, blocks - hits};
    }

    private void stream(HttpServerResponse resp, Answer a, boolean includeUsage, Behaviour b) {
        resp.setChunked(true).putHeader("content-type", "text/event-stream");
        List<String> events = a.chunks(reasoningFieldName);
        if (includeUsage) {
            events.add(a.usageChunk().encode());
        }
        events.add("[DONE]");
        sendEvents(resp, events, 0, b);
    }

    private void sendEvents(HttpServerResponse resp, List<String> events, int i, Behaviour b) {
        if (resp.closed()) {
            return;
        }
        if ((b == Behaviour.DIE_MID_STREAM || b == Behaviour.STALL_MID_STREAM) && i == 2) {
            if (b == Behaviour.DIE_MID_STREAM) {
                // abrupt close without the terminating chunk, once the chunks sent so far are on the wire
                vertx.setTimer(100, id -> resp.reset());
            }
            return;
        }
        if (i == events.size()) {
            resp.end();
            completed.incrementAndGet();
            return;
        }
        resp.write("data: " + events.get(i) + "\n\n");
        if (chunkDelayMs > 0) {
            vertx.setTimer(chunkDelayMs, id -> sendEvents(resp, events, i + 1, b));
        } else {
            sendEvents(resp, events, i + 1, b);
        }
    }

    /** One generated answer in both shapes. */
    private final class Answer {
        final String model;
        final boolean chat;
        final boolean thinking;
        final boolean tools;
        final long promptTokens;
        final long cached;
        final boolean usage;
        final String[] words;
        final String[] reasoningWords;
        final long created = System.currentTimeMillis() / 1000;
        final String id = "cmpl-fake-" + System.nanoTime();

        Answer(
                String model,
                boolean chat,
                boolean thinking,
                boolean tools,
                long promptTokens,
                long cached,
                boolean usage) {
            this.model = model;
            this.chat = chat;
            this.thinking = thinking;
            this.tools = tools;
            this.promptTokens = promptTokens;
            this.cached = cached;
            this.usage = usage;
            this.words = answerText.split(" ");
            this.reasoningWords = thinking ? reasoningText.split(" ") : new String[0];
        }

        long completionTokens() {
            return (tools ? 5 : words.length) + reasoningWords.length;
        }

        JsonObject usageObject() {
            return new JsonObject()
                    .put("prompt_tokens", promptTokens)
                    .put("completion_tokens", completionTokens())
                    .put("total_tokens", promptTokens + completionTokens())
                    .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cached))
                    .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", (long)
                                    reasoningWords.length));
        }

        JsonObject whole() {
            JsonObject choice = new JsonObject().put("index", 0);
            if (chat) {
                JsonObject message = new JsonObject().put("role", "assistant");
                if (thinking) {
                    message.put(reasoningFieldName, reasoningText);
                }
                if (tools) {
                    message.putNull("content");
                    message.put("tool_calls", new JsonArray().add(toolCall(true)));
                    choice.put("finish_reason", "tool_calls");
                } else {
                    message.put("content", answerText);
                    choice.put("finish_reason", "stop");
                }
                choice.put("message", message);
            } else {
                choice.put("text", answerText).put("finish_reason", "stop");
            }
            JsonObject out = new JsonObject()
                    .put("id", id)
                    .put("object", chat ? "chat.completion" : "text_completion")
                    .put("created", created)
                    .put("model", model)
                    .put("choices", new JsonArray().add(choice));
            if (usage) {
                out.put("usage", usageObject());
            }
            return out;
        }

        JsonObject toolCall(boolean whole) {
            JsonObject fn = new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}");
            JsonObject call = new JsonObject()
                    .put("id", "call_fake_1")
                    .put("type", "function")
                    .put("function", fn);
            if (!whole) {
                call.put("index", 0);
            }
            return call;
        }

        List<String> chunks(String reasoningField) {
            List<String> out = new ArrayList<>();
            if (chat) {
                out.add(chunk(new JsonObject().put("role", "assistant").put("content", ""), null)
                        .encode());
                for (String w : reasoningWords) {
                    out.add(chunk(new JsonObject().put(reasoningField, w + " "), null)
                            .encode());
                }
                if (tools) {
                    JsonObject first = toolCall(false);
                    first.getJsonObject("function").put("arguments", "");
                    out.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(first)), null)
                            .encode());
                    for (String part : new String[] {"{\"city\":", "\"Paris\"}"}) {
                        JsonObject d = new JsonObject()
                                .put("index", 0)
                                .put("function", new JsonObject().put("arguments", part));
                        out.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(d)), null)
                                .encode());
                    }
                    out.add(chunk(new JsonObject(), "tool_calls").encode());
                    return out;
                }
                for (int i = 0; i < words.length; i++) {
                    String w = i == 0 ? words[i] : " " + words[i];
                    out.add(chunk(new JsonObject().put("content", w), null).encode());
                }
                out.add(chunk(new JsonObject(), "stop").encode());
            } else {
                for (int i = 0; i < words.length; i++) {
                    String w = i == 0 ? words[i] : " " + words[i];
                    JsonObject c =
                            new JsonObject().put("index", 0).put("text", w).putNull("finish_reason");
                    out.add(base("text_completion")
                            .put("choices", new JsonArray().add(c))
                            .encode());
                }
                JsonObject c = new JsonObject().put("index", 0).put("text", "").put("finish_reason", "stop");
                out.add(base("text_completion")
                        .put("choices", new JsonArray().add(c))
                        .encode());
            }
            return out;
        }

        JsonObject chunk(JsonObject delta, String finish) {
            JsonObject c = new JsonObject().put("index", 0).put("delta", delta);
            if (finish == null) {
                c.putNull("finish_reason");
            } else {
                c.put("finish_reason", finish);
            }
            return base("chat.completion.chunk")
                    .put("choices", new JsonArray().add(c))
                    .putNull("usage");
        }

        JsonObject usageChunk() {
            return base(chat ? "chat.completion.chunk" : "text_completion")
                    .put("choices", new JsonArray())
                    .put("usage", usageObject());
        }

        JsonObject base(String object) {
            return new JsonObject()
                    .put("id", id)
                    .put("object", object)
                    .put("created", created)
                    .put("model", model);
        }
    }

    /** Runs one host standalone (benchmarks): {@code FakeModelHost <port> [name]}. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        FakeModelHost host = new FakeModelHost(
                Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Integer.getInteger("fakehost.threads", 1))),
                true,
                args.length > 1 ? args[1] : "fake");
        host.recordRequests(false);
        if (System.getProperty("fakehost.ttft-base-ms") != null) {
            host.ttftBaseMs = Double.parseDouble(System.getProperty("fakehost.ttft-base-ms"));
            host.ttftPerMissBlockMs = Double.parseDouble(System.getProperty("fakehost.ttft-per-miss-block-ms", "0"));
        }
        host.cacheBlocks = Integer.getInteger("fakehost.cache-blocks", Integer.MAX_VALUE);
        host.start(port);
        System.out.println("fake host " + host.name() + " listening on " + host.baseUrl());
        Thread.currentThread().join();
    }
}
