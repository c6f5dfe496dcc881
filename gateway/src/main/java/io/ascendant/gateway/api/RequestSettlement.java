package io.ascendant.gateway.api;

import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.admission.AdmissionTicket;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.metering.MeteredUsage;
import io.ascendant.gateway.metering.UsageSink;
import io.quarkus.arc.ClientProxy;
import io.quarkus.logging.Log;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The end of every tenant request of the {@link DataPathPipeline}, whatever its outcome: the pod's slot released,
 * exactly one usage record (counts as the host reported them, bounded by what the host could have done, or as the
 * gateway counted them) handed to the {@link UsageSink}, and the admission ticket settled or released.
 */
@ApplicationScoped
class RequestSettlement {

    @Inject
    UsageSink usageSink;

    /** The sink is application-scoped: called directly, not through its ArC client proxy (see the pipeline). */
    @PostConstruct
    void callInstancesDirectly() {
        usageSink = ClientProxy.unwrap(usageSink);
    }

    /**
     * Ends a request exactly once: releases the pod, hands one usage record to the ledger, settles admission. The
     * stage completes when the usage record is safe from a gateway crash (see {@link UsageSink}; at once when there
     * is nothing to record, or on a repeated call); callers hold back the answer's last bytes until then.
     */
    CompletionStage<Void> finish(RequestState st, UsageStatus status) {
        if (!st.finished.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        if (st.pod != null) {
            st.pod.release(st.podTokens);
        }
        AdmissionTicket ticket = st.ticket == null ? AdmissionTicket.NONE : st.ticket;
        if (!st.dispatched || st.prepared == null) {
            ticket.release();
            return CompletableFuture.completedFuture(null);
        }
        boolean nothing = !st.counts.reported() && !st.counts.outputSeen();
        // The client left before any answer while a host had the whole request: the host worked on the prompt, so it
        // is charged as the gateway counted it (a streamed request is charged with what was sent, likewise).
        Pod withPrompt = st.pod == null ? st.podWithPrompt() : st.pod;
        boolean promptOnly = status == UsageStatus.CANCELLED && nothing && withPrompt != null;
        long hit = 0;
        long miss = 0;
        long completion = 0;
        long reasoning = 0;
        boolean countedByGateway = false;
        // Nothing came back (failed, or cancelled before the host had the request): nothing to count or charge.
        if (promptOnly || !((status == UsageStatus.FAILED || status == UsageStatus.CANCELLED) && nothing)) {
            st.ensureCounted();
            MeteredUsage m = meteredUsage(st, withPrompt);
            hit = m.cacheHitTokens();
            miss = m.cacheMissTokens();
            completion = m.completionTokens();
            reasoning = m.reasoningTokens();
            countedByGateway = !st.counts.reported() || m.clamped();
        }
        UsageEvent event = new UsageEvent(
                st.requestId,
                st.caller.tenantId(),
                st.caller.projectId(),
                st.caller.keyId(),
                st.prepared.route().publicName(),
                st.prepared.route().priceTier(), // rated as the tier; the public name stays on the usage row
                st.pod != null ? st.pod.baseUrl() : promptOnly ? withPrompt.baseUrl() : null,
                hit,
                miss,
                completion,
                reasoning,
                status,
                countedByGateway,
                st.startedAt,
                Instant.now(),
                st.clientRequestId); // stored for look-ups by the id the tenant knows; never a key
        CompletionStage<Void> recorded = usageSink.submit(event, ticket.budgetHolds());
        try {
            ticket.settle(event);
        } catch (RuntimeException e) {
            Log.errorf("Admission settle failed for request %s: %s", st.requestId, e.getMessage());
        }
        return recorded;
    }

    /**
     * The counts to bill: a host's reported usage is held to what the host could have done (prompt at most the
     * context window the request was held to, output at most the limit it was sent); a clamp is logged and the record
     * is marked as counted by the gateway, since the billed numbers are then not the host's. The gateway's own count
     * (a host that reported no usage) is held to the same output limit: a host that ignored {@code max_tokens}
     * delivered more than the request's hold, and a hard budget must not pay for that.
     */
    private static MeteredUsage meteredUsage(RequestState st, Pod pod) {
        long outputCeiling = ContextWindow.outputCeiling(st.prepared);
        if (!st.counts.reported()) {
            MeteredUsage own = MeteredUsage.of(st.counts, 0, outputCeiling); // the gateway's own count
            if (own.clamped()) {
                Log.warnf(
                        "Host %s generated more than the output limit it was sent for request %s (tenant %s):"
                                + " %d completion tokens counted, limit %d; billed %d",
                        pod == null ? "unknown" : pod.baseUrl(),
                        st.requestId,
                        st.caller.tenantId(),
                        st.counts.completionTokens(),
                        outputCeiling,
                        own.completionTokens());
            }
            return own;
        }
        MeteredUsage m = MeteredUsage.of(st.counts, st.prepared.contextWindow(), outputCeiling);
        if (m.clamped()) {
            Log.warnf(
                    "Host %s over-reported usage for request %s (tenant %s): prompt %d, completion %d, reasoning %d"
                            + " reported; billed prompt %d, completion %d, reasoning %d",
                    pod == null ? "unknown" : pod.baseUrl(),
                    st.requestId,
                    st.caller.tenantId(),
                    st.counts.promptTokens(),
                    st.counts.completionTokens(),
                    st.counts.reasoningTokens(),
                    m.promptTokens(),
                    m.completionTokens(),
                    m.reasoningTokens());
        }
        return m;
    }
}
