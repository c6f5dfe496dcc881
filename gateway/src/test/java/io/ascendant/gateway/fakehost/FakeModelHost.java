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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable OpenAI-compatible model host on loopback, speaking the gateway-host contract the way vLLM does:
 * {@code /v1/chat/completions} and {@code /v1/completions} (JSON or SSE), {@code /health} and {@code /metrics} with
 * vLLM's gauge names, {@code /v1/models} (with {@code max_model_len} when {@link #maxModelLen} is set). Test code scripts it: one-shot {@link Behaviour}s per request or a default, load gauges,
 * health, a prefix cache whose hits lower the time to first token, and it records what it received.
 *
 * <p>Answers: the content is {@link #answerText} split into words, one word per stream chunk; with a {@code tools}
 * request it calls the first tool with {@link #toolCallArguments} and finishes with {@link #toolCallFinishReason}; with {@code thinking.type=enabled} it first emits
 * {@link #reasoningText} as {@code reasoning_content} (or {@code reasoning} when {@link #reasoningFieldName} says so).
 * Usage: prompt tokens = prompt characters / 4, completion tokens = words (+ reasoning words), cached tokens = 16
 * per prefix block (64 characters) found in its cache.
 *
 * <p>The parts live beside it: {@link FakeAnswer} (the JSON and SSE shapes), {@link FakeEventStream} (SSE pacing and
 * mid-stream faults), {@link FakeFaults} (the behaviour script and refusals), {@link FakePrefixCache} and {@link
 * FakeLoadGauges} ({@code /metrics}). Benchmarks run it standalone through {@link #main}.
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
        OMIT_USAGE,
        /** Read the request, then close the connection without answering (a host that dies working on it). */
        DROP_CONNECTION
    }

    private final Vertx vertx;
    private final boolean ownVertx;
    private final String name;
    private HttpServer server;
    private int port;

    private final FakeFaults faults = new FakeFaults();
    private final FakeLoadGauges gauges = new FakeLoadGauges();
    private final FakePrefixCache prefixCache = new FakePrefixCache();
    private volatile boolean healthy = true;
    /** Words of the answer; one stream chunk each. */
    public volatile String answerText = "Hello from the fake host";
    /** Reasoning emitted when thinking is enabled. */
    public volatile String reasoningText = "Let me think";
    /** {@code reasoning_content} (DeepSeek) or {@code reasoning} (newer vLLM). */
    public volatile String reasoningFieldName = "reasoning_content";
    /** The arguments of the tool call answered to a request with {@code tools} (JSON object text). */
    public volatile String toolCallArguments = "{\"city\":\"Paris\"}";
    /**
     * The finish reason of a tool-call answer: {@code tool_calls}, or {@code length} as the model host answers a call
     * cut off by {@code max_tokens} (the parameters completed before the cut as arguments).
     */
    public volatile String toolCallFinishReason = "tool_calls";
    /**
     * Whether answers stop at the request's {@code max_tokens} (one token per word: the first {@code max_tokens} words
     * of {@link #answerText}, finish reason {@code length}), as vLLM and our model host do. Off by default: the host
     * then ignores {@code max_tokens}, which tests use as a host that misbehaves (or over-reports).
     */
    public volatile boolean honoursMaxTokens = false;
    /** {@code max_model_len} its {@code /v1/models} reports (vLLM's {@code --max-model-len}); 0 reports none. */
    public volatile long maxModelLen = 0;
    /** Delay before answering {@code /v1/models}, in ms; the card is what {@link #maxModelLen} was on arrival. */
    public volatile long modelCardDelayMs = 0;
    /** Status of the {@code /v1/models} answer (200 with the card; another status with an empty body). */
    public volatile int modelCardStatus = 200;

    private final AtomicInteger modelCardRequests = new AtomicInteger();
    /** Delay between stream chunks in ms. */
    public volatile long chunkDelayMs = 0;
    /** Time to first token: base plus per uncached prefix block, in ms (0 = immediate). */
    public volatile double ttftBaseMs = 0;

    public volatile double ttftPerMissBlockMs = 0;

    /** Capacity of the prefix cache in 64-character blocks (a KV cache's size); least recently used go first. */
    public volatile int cacheBlocks = Integer.MAX_VALUE;

    private final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> receivedRequestIds = Collections.synchronizedList(new ArrayList<>());
    private final List<String> receivedGatewayRequestIds = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger clientAborts = new AtomicInteger();
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
        faults.reset();
        healthy = true;
        gauges.reset();
        answerText = "Hello from the fake host";
        reasoningText = "Let me think";
        reasoningFieldName = "reasoning_content";
        toolCallArguments = "{\"city\":\"Paris\"}";
        toolCallFinishReason = "tool_calls";
        honoursMaxTokens = false;
        maxModelLen = 0;
        modelCardDelayMs = 0;
        modelCardStatus = 200;
        chunkDelayMs = 0;
        ttftBaseMs = 0;
        ttftPerMissBlockMs = 0;
        prefixCache.clear();
        received.clear();
        receivedRequestIds.clear();
        receivedGatewayRequestIds.clear();
        completed.set(0);
        clientAborts.set(0);
    }

    /** The next requests behave as given, in order; then the default applies. */
    public void script(Behaviour... next) {
        faults.script(next);
    }

    public void defaultBehaviour(Behaviour b) {
        faults.defaultBehaviour(b);
    }

    public void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    public void metricsEnabled(boolean enabled) {
        gauges.enabled = enabled;
    }

    /** Sets the load gauges reported on {@code /metrics}. */
    public void load(double running, double waiting, double kvCache) {
        gauges.running = running;
        gauges.waiting = waiting;
        gauges.kvCache = kvCache;
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

    /** Answers sent to their end (a stream through its last event). */
    public int completedCount() {
        return completed.get();
    }

    /** Requests whose client closed the connection before the answer ended. */
    public int clientAborts() {
        return clientAborts.get();
    }

    /** {@code GET /v1/models} requests received so far. */
    public int modelCardRequests() {
        return modelCardRequests.get();
    }

    /** Prefix blocks seen / found in the cache (for the hit rate). */
    public long promptBlocks() {
        return prefixCache.blocksSeen();
    }

    public long promptBlockHits() {
        return prefixCache.blockHits();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/health" -> req.response().setStatusCode(healthy ? 200 : 503).end();
            case "/metrics" -> metrics(req);
            case "/v1/chat/completions", "/v1/completions" -> req.body().onSuccess(b -> completion(req, b, path));
            case "/v1/models" -> {
                modelCardRequests.incrementAndGet();
                JsonObject card = new JsonObject().put("id", "fake").put("object", "model");
                if (maxModelLen > 0) {
                    card.put("max_model_len", maxModelLen);
                }
                String list = new JsonObject()
                        .put("object", "list")
                        .put("data", new JsonArray().add(card))
                        .encode();
                int status = modelCardStatus;
                Runnable answer = () -> {
                    if (status != 200) {
                        req.response().setStatusCode(status).end();
                    } else {
                        req.response()
                                .putHeader("content-type", "application/json")
                                .end(list);
                    }
                };
                long delay = modelCardDelayMs;
                if (delay > 0) {
                    vertx.setTimer(delay, id -> answer.run());
                } else {
                    answer.run();
                }
            }
            default -> req.response().setStatusCode(404).end();
        }
    }

    private void metrics(HttpServerRequest req) {
        if (!gauges.enabled) {
            req.response().setStatusCode(404).end();
            return;
        }
        req.response().putHeader("content-type", "text/plain; version=0.0.4").end(gauges.render(prefixCache));
    }

    private void completion(HttpServerRequest req, Buffer body, String path) {
        JsonObject json = body.toJsonObject();
        if (recordRequests) {
            received.add(json);
            receivedRequestIds.add(req.getHeader("x-request-id"));
            receivedGatewayRequestIds.add(req.getHeader("x-ascendant-request-id"));
        }
        Behaviour b = faults.next();
        HttpServerResponse resp = req.response();
        resp.closeHandler(v -> {
            if (!resp.ended()) {
                clientAborts.incrementAndGet();
            }
        });
        if (FakeFaults.refuses(b, resp)) {
            return;
        }
        boolean chat = path.equals("/v1/chat/completions");
        String prompt = chat ? promptOf(json.getJsonArray("messages")) : String.valueOf(json.getValue("prompt"));
        long[] cache = prefixCache.lookup(prompt, cacheBlocks);
        long promptTokens = Math.max(1, prompt.length() / 4);
        long cached = Math.min(promptTokens, cache[0] * 16);
        double ttft = ttftBaseMs + ttftPerMissBlockMs * cache[1];
        boolean thinking = "enabled"
                .equals(json.getJsonObject("thinking", new JsonObject()).getString("type"));
        boolean tools = json.getJsonArray("tools") != null
                && !json.getJsonArray("tools").isEmpty();
        boolean usage = b != Behaviour.OMIT_USAGE;
        String text = answerText;
        String finish = "stop";
        Long maxTokens = json.getLong("max_tokens");
        if (honoursMaxTokens && maxTokens != null) {
            String[] words = text.split(" ");
            if (words.length > maxTokens) {
                text = String.join(" ", java.util.Arrays.copyOf(words, maxTokens.intValue()));
                finish = "length";
            }
        }
        FakeAnswer answer = new FakeAnswer(
                new FakeAnswer.Request(json.getString("model"), chat, thinking, tools, promptTokens, cached, usage),
                text,
                reasoningText,
                reasoningFieldName,
                new FakeAnswer.ToolCallScript(toolCallArguments, toolCallFinishReason),
                finish);
        Runnable go = () -> {
            if (json.getBoolean("stream", false)) {
                boolean includeUsage = usage
                        && json.getJsonObject("stream_options", new JsonObject())
                                .getBoolean("include_usage", false);
                FakeEventStream.send(
                        vertx, resp, answer, includeUsage, b, () -> chunkDelayMs, completed::incrementAndGet);
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
