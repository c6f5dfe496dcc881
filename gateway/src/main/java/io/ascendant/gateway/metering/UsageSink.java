package io.ascendant.gateway.metering;

import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.gateway.admission.HeldBudget;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the gateway hands each request's single usage record. Implementations must not block the caller (an event
 * loop): they deliver the event in the background, retrying with the same request id (the ledger is idempotent by
 * request id, so a retry never charges twice).
 *
 * <p>The returned stage completes once the record can no longer be lost by a crash of the gateway: appended to the
 * local usage journal ({@code gateway.metering.acknowledge=journal}, the default) or committed by the ledger
 * ({@code ledger}), or when delivery was given up (logged). The data path holds back the last bytes of an answer (the
 * closing JSON, or the final SSE events and {@code [DONE]}) until then, so a completed answer's usage survives a
 * {@code kill -9} of the gateway at any moment.
 */
public interface UsageSink {

    /**
     * Delivers one usage event; never blocks, never completes exceptionally.
     *
     * @param holds the budget holds of the request's admission ticket, journalled with the event so that a replay
     *     after a crash settles them
     */
    CompletionStage<Void> submit(UsageEvent event, List<HeldBudget> holds);
}
