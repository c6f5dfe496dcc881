package io.ascendant.gateway.fakehost;

import io.ascendant.gateway.fakehost.FakeModelHost.Behaviour;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Writes one {@link FakeAnswer} as server-sent events ({@code data: <json>}, then {@code data: [DONE]}), one event
 * per chunk, the host's current chunk delay apart on the event loop's timers. The mid-stream faults act after the second event:
 * {@link Behaviour#DIE_MID_STREAM} resets the connection, {@link Behaviour#STALL_MID_STREAM} goes silent.
 */
final class FakeEventStream {
    private final Vertx vertx;
    private final HttpServerResponse resp;
    private final List<String> events;
    private final Behaviour behaviour;
    private final LongSupplier chunkDelayMs;
    private final Runnable onEnd;

    private FakeEventStream(
            Vertx vertx,
            HttpServerResponse resp,
            List<String> events,
            Behaviour behaviour,
            LongSupplier chunkDelayMs,
            Runnable onEnd) {
        this.vertx = vertx;
        this.resp = resp;
        this.events = events;
        this.behaviour = behaviour;
        this.chunkDelayMs = chunkDelayMs;
        this.onEnd = onEnd;
    }

    /**
     * Starts streaming {@code answer} on {@code resp}; {@code onEnd} runs when the stream ended normally.
     *
     * @param includeUsage whether a usage chunk precedes {@code [DONE]} ({@code stream_options.include_usage})
     */
    static void send(
            Vertx vertx,
            HttpServerResponse resp,
            FakeAnswer answer,
            boolean includeUsage,
            Behaviour behaviour,
            LongSupplier chunkDelayMs,
            Runnable onEnd) {
        resp.setChunked(true).putHeader("content-type", "text/event-stream");
        List<String> events = answer.chunks();
        if (includeUsage) {
            events.add(answer.usageChunk().encode());
        }
        events.add("[DONE]");
        new FakeEventStream(vertx, resp, events, behaviour, chunkDelayMs, onEnd).sendFrom(0);
    }

    private void sendFrom(int i) {
        if (resp.closed()) {
            return;
        }
        if ((behaviour == Behaviour.DIE_MID_STREAM || behaviour == Behaviour.STALL_MID_STREAM) && i == 2) {
            if (behaviour == Behaviour.DIE_MID_STREAM) {
                // abrupt close without the terminating chunk, once the chunks sent so far are on the wire
                vertx.setTimer(100, id -> resp.reset());
            }
            return;
        }
        if (i == events.size()) {
            resp.end();
            onEnd.run();
            return;
        }
        resp.write("data: " + events.get(i) + "\n\n");
        long delay = chunkDelayMs.getAsLong();
        if (delay > 0) {
            vertx.setTimer(delay, id -> sendFrom(i + 1));
        } else {
            sendFrom(i + 1);
        }
    }
}
