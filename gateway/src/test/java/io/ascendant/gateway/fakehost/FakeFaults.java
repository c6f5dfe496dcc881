package io.ascendant.gateway.fakehost;

import io.ascendant.gateway.fakehost.FakeModelHost.Behaviour;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The {@link FakeModelHost}'s fault script: one-shot {@link Behaviour}s consumed in order by the next completion
 * requests, then a default; and the answers of the behaviours that refuse a request before any output.
 */
final class FakeFaults {
    private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
    private volatile Behaviour defaultBehaviour = Behaviour.NORMAL;

    /** Appends one-shot behaviours for the next requests. */
    void script(Behaviour... next) {
        Collections.addAll(script, next);
    }

    void defaultBehaviour(Behaviour b) {
        defaultBehaviour = b;
    }

    /** Empty script, normal default. */
    void reset() {
        script.clear();
        defaultBehaviour = Behaviour.NORMAL;
    }

    /** The behaviour of the request that just arrived: the next scripted one, else the default. */
    Behaviour next() {
        Behaviour scripted = script.poll();
        return scripted == null ? defaultBehaviour : scripted;
    }

    /**
     * Answers {@code resp} as {@code b} when it refuses the request outright (503, 500, 400), never answers (HANG) or
     * closes the connection instead (DROP_CONNECTION).
     *
     * @return true when the request is dealt with and no answer must be generated
     */
    static boolean refuses(Behaviour b, HttpServerResponse resp) {
        switch (b) {
            case UNAVAILABLE_503 -> error(resp, 503, "The engine is loading.");
            case ERROR_500 -> error(resp, 500, "Engine crashed.");
            case BAD_REQUEST_400 -> error(resp, 400, "This model's maximum context length is 8 tokens.");
            case HANG -> {}
            case DROP_CONNECTION -> resp.reset(); // HTTP/1.1: closes the connection, nothing answered
            default -> {
                return false;
            }
        }
        return true;
    }

    /** vLLM's error body: {@code {"error":{"message","type","code"}}} with the HTTP status as the code. */
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
}
