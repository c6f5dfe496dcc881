package io.ascendant.gateway.api;

import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.metering.MeteredUsage;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.metering.UsageCounts;
import io.ascendant.gateway.metering.UsageJournal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The usage a running stream has delivered so far, for the usage journal's checkpoints: what the ledger records for
 * the request if the gateway dies before the stream ends ({@link UsageStatus#FAILED_AFTER_PARTIAL_OUTPUT}, the output
 * relayed so far, the prompt as known).
 *
 * <p>Threading: {@link #take} runs on the request's event loop, where its counts change, and copies them (the output
 * text so far, a memory copy); {@link #entry} may run on any thread and does the tokenizer counting there, so a long
 * answer's count never runs on an event loop. The counting is the one of the request's end ({@link
 * UsageCounts#countWith}, {@link MeteredUsage}), so a checkpoint never bills more than the final record would have;
 * the output is counted with the stream's running counts, which tokenize only the output since its previous checkpoint
 * and give the same count. The checkpoints of one stream are counted one at a time ({@code StreamCheckpoints}).
 */
public final class UsageCheckpoint {

    private final String requestId;
    private final String clientRequestId;
    private final TenantCaller caller;
    private final PreparedRequest prepared;
    private final String hostPod;
    private final Instant startedAt;
    private final List<HeldBudget> holds;
    private final TokenCounter counter;
    private final long promptTokens;
    private final UsageCounts counts;
    private final UsageCounts.OutputTally tally;
    private final AtomicBoolean finished;

    private UsageCheckpoint(RequestState st, UsageCounts counts) {
        this.requestId = st.requestId;
        this.clientRequestId = st.clientRequestId;
        this.caller = st.caller;
        this.prepared = st.prepared;
        this.hostPod = st.pod == null ? null : st.pod.baseUrl();
        this.startedAt = st.startedAt;
        this.holds = st.ticket == null ? List.of() : st.ticket.budgetHolds();
        this.counter = st.counter;
        this.promptTokens = st.promptTokens;
        this.counts = counts;
        this.tally = st.checkpointTally;
        this.finished = st.finished;
    }

    /**
     * The request's usage so far, on its event loop.
     *
     * @return null when there is nothing to checkpoint: the request ended or is not relaying yet, no output was seen
     *     and no usage reported, nothing changed since the previous checkpoint, or output cannot be counted
     */
    public static UsageCheckpoint take(RequestState st) {
        if (st.finished.get() || !st.dispatched || st.prepared == null || st.caller == null) {
            return null;
        }
        UsageCounts c = st.counts;
        if (!c.outputSeen() && !c.reported() || !c.reported() && st.counter == null) {
            return null;
        }
        long progress = c.progress();
        if (progress == st.checkpointedProgress) {
            return null;
        }
        st.checkpointedProgress = progress;
        return new UsageCheckpoint(st, c.copy());
    }

    /** The request's gateway id. */
    public String requestId() {
        return requestId;
    }

    /** False once the request has ended (its final usage record is then handed to metering, or was). */
    public boolean running() {
        return !finished.get();
    }

    /**
     * The journal line (any thread, one checkpoint of a stream at a time; counts the output with the tokenizer when the
     * host has reported no usage).
     */
    public UsageJournal.Entry entry() {
        MeteredUsage m;
        if (counts.reported()) {
            m = MeteredUsage.of(counts, prepared.route().contextLength(), ContextWindow.outputCeiling(prepared));
        } else {
            long prompt =
                    promptTokens >= 0 ? promptTokens : counter.countPrompt(prepared.hostBody(), prepared.promptText());
            counts.countWith(counter, prompt, tally);
            m = MeteredUsage.of(counts, 0, ContextWindow.outputCeiling(prepared)); // the gateway's own count
        }
        UsageEvent event = new UsageEvent(
                requestId,
                caller.tenantId(),
                caller.projectId(),
                caller.keyId(),
                prepared.route().publicName(),
                prepared.route().priceTier(),
                hostPod,
                m.cacheHitTokens(),
                m.cacheMissTokens(),
                m.completionTokens(),
                m.reasoningTokens(),
                UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT,
                !counts.reported() || m.clamped(),
                startedAt,
                Instant.now(),
                clientRequestId);
        return new UsageJournal.Entry(event, holds, true);
    }
}
