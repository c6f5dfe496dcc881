package io.ascendant.gateway.streaming;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Turns the host's OpenAI SSE payloads into the tenant's stream, one event at a time (no buffering of the answer),
 * and keeps the request's usage counts. Single-threaded (the request's event loop).
 */
public interface StreamTranscoder {

    /** One host {@code data:} payload, {@code [DONE]} included; writes zero or more events to {@code out}. */
    void onData(String data, Consumer<Buffer> out);

    /** The host's stream ended normally; writes the closing events. */
    void onEnd(Consumer<Buffer> out);

    /** The host failed mid-stream; writes an error event and closes the stream properly. */
    void onFailure(String message, Consumer<Buffer> out);

    /**
     * The gateway is shutting down and its grace period ({@code quarkus.shutdown.timeout}) ended before the host
     * finished: writes an error event saying so and closes the stream properly (no further events follow).
     */
    default void onShutdown(Consumer<Buffer> out) {
        onFailure(SHUTDOWN_MESSAGE, out);
    }

    /** The message of {@link #onShutdown}: what happened and what the client should do. */
    String SHUTDOWN_MESSAGE = "The gateway is shutting down and ended this stream before the answer was complete;"
            + " retry the request.";

    /** True once the terminal event was produced (a {@code [DONE]} or the equivalent). */
    boolean done();
}
