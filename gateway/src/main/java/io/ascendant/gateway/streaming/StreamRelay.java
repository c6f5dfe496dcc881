package io.ascendant.gateway.streaming;

import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.api.RequestState;
import io.ascendant.gateway.api.UsageCheckpoint;
import io.ascendant.gateway.upstream.StreamTap;
import io.ascendant.gateway.upstream.UpstreamExchange;
import io.ascendant.modelhost.api.HostContract;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Relays one host SSE stream to the tenant, event by event, without holding the answer:
 *
 * <ul>
 *   <li><b>Back-pressure</b>: when the tenant's socket write queue is full the host stream is paused and resumed on
 *       drain, so a slow client slows the host read instead of filling memory.
 *   <li><b>Client disconnect</b> resets the host request at once (the host aborts generation and frees its KV
 *       cache); the request is recorded as CANCELLED with the output produced so far.
 *   <li><b>Host death</b> (connection lost, idle timeout) after the first byte: the tenant gets an error event and a
 *       properly ended stream; recorded as FAILED_AFTER_PARTIAL_OUTPUT (or FAILED without output). The pod is
 *       ejected until its next good health check. Never retried: bytes already reached the client.
 *   <li><b>Gateway shutdown</b> after the grace period ({@link LiveStreams}): the tenant gets an error event and a
 *       properly ended stream, the host request is cancelled; recorded as FAILED_AFTER_PARTIAL_OUTPUT (or FAILED).
 *       A stream whose host has not sent its first byte yet is not relayed: it ends as a request without an answer
 *       ({@code UnansweredRequest}, a 503).
 *   <li><b>Gateway crash</b> ({@code kill -9}, machine loss): the usage relayed so far was checkpointed in the usage
 *       journal ({@link StreamCheckpoints}); the next start records it as FAILED_AFTER_PARTIAL_OUTPUT.
 * </ul>
 *
 * Runs on the request's event loop.
 */
public final class StreamRelay {
    private final RoutingContext rc;
    private final RequestState state;
    private final StreamTranscoder transcoder;
    private final UpstreamExchange exchange;
    private final Runnable onClose;
    private final LiveStreams live;
    private final SseParser parser = new SseParser();
    private boolean ended;
    private boolean cancelled;
    private long lastChunkNanos;
    private long idleTimer = -1;
    private io.vertx.core.Context context;
    private BiFunction<RequestState, UsageStatus, CompletionStage<Void>> finish;
    private Consumer<Buffer> out;

    public StreamRelay(
            RoutingContext rc,
            RequestState state,
            StreamTranscoder transcoder,
            UpstreamExchange exchange,
            Runnable onClose,
            LiveStreams live) {
        this.rc = rc;
        this.live = live;
        this.state = state;
        this.transcoder = transcoder;
        this.exchange = exchange;
        this.onClose = onClose;
    }

    /** Sends the head and the first chunk, then relays until the end. {@code finish} is called exactly once. */
    public void start(BiFunction<RequestState, UsageStatus, CompletionStage<Void>> finish, long idleTimeoutMs) {
        HttpServerResponse resp = rc.response();
        StreamTap tap = exchange.response();
        HttpClientResponse up = tap == null ? null : tap.response();
        resp.setStatusCode(200)
                .setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no")
                .putHeader(HostContract.HEADER_REQUEST_ID, state.requestId());
        Consumer<Buffer> out = b -> {
            if (resp.closed() || resp.ended()) {
                return;
            }
            resp.write(b);
            if (up != null && resp.writeQueueFull()) {
                up.pause();
                resp.drainHandler(v -> up.resume());
            }
        };
        resp.closeHandler(v -> {
            if (!state.finishedOrDone(transcoder) && !ended) {
                cancelled = true;
                Log.debugf("Client closed stream of request %s; host request cancelled", state.requestId());
                end(finish, UsageStatus.CANCELLED);
                if (exchange.request() != null) {
                    exchange.request().reset();
                }
            }
        });
        parser.feed(exchange.body(), data -> transcoder.onData(data, out));
        if (exchange.ended() || up == null) {
            complete(finish, out);
            return;
        }
        lastChunkNanos = System.nanoTime();
        // Our own idle watchdog: a host that stops sending mid-stream (hung engine) ends the tenant's stream.
        long period = Math.max(10, idleTimeoutMs / 4);
        idleTimer = rc.vertx().setPeriodic(period, id -> {
            if (ended) {
                rc.vertx().cancelTimer(id);
            } else if (System.nanoTime() - lastChunkNanos > idleTimeoutMs * 1_000_000L) {
                rc.vertx().cancelTimer(id);
                if (exchange.request() != null) {
                    cancelled = true; // our reset, not a host failure report
                    exchange.request().reset();
                }
                cancelled = false;
                hostFailed(finish, out, "no data for " + idleTimeoutMs + " ms");
            }
        });
        this.context = rc.vertx().getOrCreateContext();
        this.finish = finish;
        this.out = out;
        live.add(this);
        tap.attach(
                chunk -> {
                    lastChunkNanos = System.nanoTime();
                    parser.feed(chunk, data -> transcoder.onData(data, out));
                },
                v -> complete(finish, out),
                t -> hostFailed(finish, out, t.getMessage()));
    }

    private void hostFailed(
            BiFunction<RequestState, UsageStatus, CompletionStage<Void>> finish, Consumer<Buffer> out, String why) {
        if (ended || cancelled) {
            return;
        }
        if (transcoder.done()) {
            complete(finish, out);
            return;
        }
        Log.warnf("Host %s failed mid-stream for request %s: %s", exchange.pod(), state.requestId(), why);
        exchange.pod().ejectUntilHealthy();
        transcoder.onFailure("The model host failed mid-stream; the answer is incomplete.", out);
        HttpServerResponse resp = rc.response();
        if (!resp.ended() && !resp.closed()) {
            resp.end();
        }
        end(
                finish,
                state.counts().outputSeen() || state.counts().reported()
                        ? UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT
                        : UsageStatus.FAILED);
    }

    private void complete(BiFunction<RequestState, UsageStatus, CompletionStage<Void>> finish, Consumer<Buffer> out) {
        if (ended) {
            return;
        }
        // The final events (usage, [DONE]) leave only once the usage is safe from a gateway crash (journalled, or
        // committed by the ledger): a client that saw the whole answer is never served without its usage recorded.
        Buffer tail = Buffer.buffer();
        transcoder.onEnd(tail::appendBuffer);
        HttpServerResponse resp = rc.response();
        io.vertx.core.Context ctx = rc.vertx().getOrCreateContext();
        end(finish, UsageStatus.COMPLETED)
                .whenComplete((v, t) -> ctx.runOnContext(x -> {
                    out.accept(tail);
                    if (!resp.ended() && !resp.closed()) {
                        resp.end();
                    }
                }));
    }

    /**
     * Ends the stream because the gateway shuts down (any thread; runs on the stream's event loop): an error event, a
     * properly ended response, the host request cancelled, the usage recorded with the output seen so far.
     *
     * @return completes once the usage was handed to metering (journalled, or committed by the ledger)
     */
    CompletableFuture<Void> endForShutdown() {
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (ended) {
                recorded.complete(null);
                return;
            }
            Log.infof("Gateway shutting down: stream of request %s ended before the host finished", state.requestId());
            transcoder.onShutdown(out);
            HttpServerResponse resp = rc.response();
            if (!resp.ended() && !resp.closed()) {
                resp.end();
            }
            cancelled = true; // our reset, not a host failure report
            end(
                            finish,
                            state.counts().outputSeen() || state.counts().reported()
                                    ? UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT
                                    : UsageStatus.FAILED)
                    .whenComplete((x, t) -> recorded.complete(null));
            if (exchange.request() != null) {
                exchange.request().reset();
            }
        });
        return recorded;
    }

    /** The gateway id of the relayed request. */
    String requestId() {
        return state.requestId();
    }

    /**
     * The stream's usage so far for the usage journal (any thread; taken on the stream's event loop, where its counts
     * change).
     *
     * @return completes with the checkpoint, or with null when the stream ended or has nothing new to checkpoint
     */
    CompletableFuture<UsageCheckpoint> checkpoint() {
        CompletableFuture<UsageCheckpoint> taken = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                taken.complete(ended ? null : UsageCheckpoint.take(state));
            } catch (RuntimeException e) {
                taken.completeExceptionally(e);
            }
        });
        return taken;
    }

    private CompletionStage<Void> end(
            BiFunction<RequestState, UsageStatus, CompletionStage<Void>> finish, UsageStatus status) {
        if (ended) {
            return CompletableFuture.completedFuture(null);
        }
        ended = true;
        if (idleTimer >= 0) {
            rc.vertx().cancelTimer(idleTimer);
        }
        CompletionStage<Void> recorded = finish.apply(state, status);
        live.remove(this);
        onClose.run();
        return recorded;
    }
}
