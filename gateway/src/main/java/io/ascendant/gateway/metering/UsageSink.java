package io.ascendant.gateway.metering;

import io.ascendant.billing.ledger.UsageEvent;

/**
 * Where the gateway hands each request's single usage record. Implementations must not block the caller (an event
 * loop): they queue the event and deliver it durably in the background, retrying with the same request id (the
 * ledger is idempotent by request id, so a retry never charges twice).
 */
public interface UsageSink {

    /** Queues one usage event for durable recording. Never blocks, never throws for delivery problems. */
    void submit(UsageEvent event);
}
