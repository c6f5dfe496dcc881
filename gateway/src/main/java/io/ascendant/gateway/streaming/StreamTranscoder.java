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

    /** True once the terminal event was produced (a {@code [DONE]} or the equivalent). */
    boolean done();
}
