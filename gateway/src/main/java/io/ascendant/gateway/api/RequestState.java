package io.ascendant.gateway.api;

import io.ascendant.gateway.admission.AdmissionTicket;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.metering.UsageCounts;
import java.time.Instant;

/**
 * Everything the gateway tracks about one data-path request from acceptance to its usage record. Confined to the
 * request's event loop, except {@link #finished}, which is a once-only latch checked where callbacks may race (client
 * disconnect against stream end).
 */
public final class RequestState {
    /** The gateway's own unique id: the key of the usage row, the quota holds and the journal line. */
    final String requestId;
    /** The client's {@code x-request-id} (a correlation id, not unique), null when it sent none. */
    final String clientRequestId;

    final Instant startedAt = Instant.now();
    final UsageCounts counts = new UsageCounts();
    TenantCaller caller;
    PreparedRequest prepared;
    io.ascendant.gateway.metering.TokenCounter counter;
    AdmissionTicket ticket;
    Pod pod;
    long podTokens;
    /** Prompt tokens as the gateway's tokenizer counts them (chat template included); -1 until counted. */
    long promptTokens = -1;
    /** The upstream call's cancel switch (it knows whether a host had the whole request); null before dispatch. */
    io.ascendant.gateway.upstream.ClientCancellation cancellation;

    /** {@link UsageCounts#progress()} at the stream's last usage checkpoint ({@link UsageCheckpoint}). */
    long checkpointedProgress = -1;
    /**
     * The output the stream's usage checkpoints counted so far; used off the event loop, by one checkpoint at a time
     * ({@link UsageCheckpoint#entry}).
     */
    final UsageCounts.OutputTally checkpointTally = new UsageCounts.OutputTally();

    boolean dispatched;
    final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

    RequestState(String requestId, String clientRequestId) {
        this.requestId = requestId;
        this.clientRequestId = clientRequestId;
    }

    /** The gateway's own unique id of the request. */
    public String requestId() {
        return requestId;
    }

    /** The id the client knows the request by: its {@code x-request-id}, or the gateway's id when it sent none. */
    public String correlationId() {
        return clientRequestId != null ? clientRequestId : requestId;
    }

    public PreparedRequest prepared() {
        return prepared;
    }

    public UsageCounts counts() {
        return counts;
    }

    /**
     * The prompt's tokens as the gateway's tokenizer counted them when the request arrived (chat template included,
     * the count the context-window check used), or -1 when not counted.
     */
    public long promptTokens() {
        return promptTokens;
    }

    /** True when the request already ended or the stream's terminal event was written. */
    public boolean finishedOrDone(io.ascendant.gateway.streaming.StreamTranscoder transcoder) {
        return finished.get() || transcoder.done();
    }

    /**
     * When the host reported no usage, counts prompt (with the chat template, as the host saw it) and output with the
     * gateway's tokenizer (marked as such).
     */
    public void ensureCounted() {
        if (counts.reported() || prepared == null || counter == null) {
            return;
        }
        if (promptTokens >= 0) {
            counts.countWith(counter, promptTokens); // counted once, when the request arrived
        } else {
            counts.countWith(counter, prepared.hostBody(), prepared.promptText());
        }
    }

    /** The pod that had the whole request when the client left (the attempt in progress), or null. */
    io.ascendant.gateway.dispatch.Pod podWithPrompt() {
        return cancellation == null ? null : cancellation.deliveredTo();
    }
}
