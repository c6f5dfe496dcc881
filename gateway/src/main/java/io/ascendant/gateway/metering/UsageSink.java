package io.ascendant.gateway.metering;

import io.ascendant.billing.ledger.UsageEvent;
import java.util.concurrent.CompletionStage;

/**
 * Where the gateway hands each request's single usage record. Implementations must not block the caller (an event
 * loop): they deliver the event in the background, retrying with the same request id (the ledger is idempotent by
 * request id, so a retry never charges twice).
 *
 * <p>The returned stage completes once the record is durable in the ledger (or delivery was given up after the
 * configured attempts, which is logged). The data path holds back the last bytes of an answer (the closing JSON, or
 * the final SSE events and {@code [DONE]}) until then, so a completed answer's usage survives a {@code kill -9} of
 * the gateway at any moment.
 */
public interface UsageSink {

    /** Delivers one usage event; never blocks, never completes exceptionally. */
    CompletionStage<Void> submit(UsageEvent event);
}
