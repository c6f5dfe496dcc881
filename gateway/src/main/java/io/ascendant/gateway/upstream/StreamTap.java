package io.ascendant.gateway.upstream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayDeque;

/**
 * Holds a host stream's events from the first chunk until the relay attaches, so that nothing that arrived in
 * between (more chunks, the end, or a connection loss right behind the data) is lost. Beyond 64 KiB held the host
 * response is paused. After {@link #attach} events go straight through. Event-loop confined.
 */
public final class StreamTap {
    private static final int MAX_HELD_BYTES = 64 * 1024;

    private final HttpClientResponse response;
    private final ArrayDeque<Buffer> held = new ArrayDeque<>();
    private int heldBytes;
    private boolean ended;
    private Throwable failure;
    private Handler<Buffer> onChunk;
    private Handler<Void> onEnd;
    private Handler<Throwable> onError;

    StreamTap(HttpClientResponse response) {
        this.response = response;
        response.handler(this::chunk);
        response.endHandler(v -> end());
        response.exceptionHandler(this::error);
    }

    private void chunk(Buffer b) {
        if (onChunk != null) {
            onChunk.handle(b);
            return;
        }
        held.add(b);
        heldBytes += b.length();
        if (heldBytes > MAX_HELD_BYTES) {
            response.pause();
        }
    }

    private void end() {
        if (onEnd != null) {
            onEnd.handle(null);
        } else {
            ended = true;
        }
    }

    private void error(Throwable t) {
        if (onError != null) {
            onError.handle(t);
        } else if (failure == null) {
            failure = t;
        }
    }

    /** Delivers what was held, then passes events through; the response is resumed. */
    public void attach(Handler<Buffer> chunk, Handler<Void> end, Handler<Throwable> error) {
        while (!held.isEmpty()) {
            chunk.handle(held.poll());
        }
        heldBytes = 0;
        if (failure != null) {
            error.handle(failure);
            return;
        }
        if (ended) {
            end.handle(null);
            return;
        }
        this.onChunk = chunk;
        this.onEnd = end;
        this.onError = error;
        response.resume();
    }

    /** The host response (pause/resume for back-pressure). */
    public HttpClientResponse response() {
        return response;
    }
}
