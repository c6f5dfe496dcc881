package io.ascendant.gateway.testsupport;

import io.ascendant.gateway.fakehost.FakeModelHost;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI chat requests to a child-process gateway ({@link GatewayProcess}) in front of a {@link FakeModelHost}, for
 * the integration tests that stream through real replicas.
 */
public final class ChildGatewayChats {

    private ChildGatewayChats() {}

    /** A client for child gateways: no proxy, a 10 s connect timeout, a virtual thread per exchange. */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /**
     * A {@code POST /v1/chat/completions} of one user message with {@code max_tokens} 8000.
     */
    public static HttpRequest chat(GatewayProcess gateway, String key, String model, boolean stream) {
        JsonObject body = new JsonObject()
                .put("model", model)
                .put("stream", stream)
                .put("max_tokens", 8000)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Count words")));
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofMinutes(5))
                .header("authorization", "Bearer " + key)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
    }

    /**
     * Until a gateway has polled its host it has no ready pod (503): sends a short non-streamed chat (the host
     * answering "ready") every 200 ms until one is answered 200, for at most 60 s; the host's answer text is restored
     * afterwards.
     *
     * @throws AssertionError with the gateway's log tail when none was answered
     */
    public static void awaitChatAnswered(
            HttpClient http, GatewayProcess gateway, FakeModelHost host, String key, String model) throws Exception {
        String saved = host.answerText;
        host.answerText = "ready";
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (http.send(chat(gateway, key, model, false), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    != 200) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no chat answered:\n" + gateway.logTail());
                }
                Thread.sleep(200);
            }
        } finally {
            host.answerText = saved;
        }
    }
}
