package io.ascendant.gateway.admission;

import io.ascendant.billing.ledger.UsageEvent;
import java.util.List;
import java.util.Map;

/**
 * An admitted request's hold on rate limits and budget. Exactly one of {@link #settle} or {@link #release} is
 * called, once, when the request ends; both are called on an event loop and must not block.
 */
public interface AdmissionTicket {

    /** The request ended with this usage (the same event handed to the ledger). */
    void settle(UsageEvent usage);

    /** The request ended without usage to account (never dispatched); give the hold back. */
    void release();

    /**
     * Headers to put on the response, e.g. OpenAI's {@code x-ratelimit-*}; set once the request is admitted, before
     * the response starts. Default: none.
     */
    default Map<String, String> responseHeaders() {
        return Map.of();
    }

    /**
     * The budget holds this ticket took, for the usage journal (a replay after a crash settles them). Default: none.
     */
    default List<HeldBudget> budgetHolds() {
        return List.of();
    }

    /** A ticket that holds nothing. */
    AdmissionTicket NONE = new AdmissionTicket() {
        @Override
        public void settle(UsageEvent usage) {}

        @Override
        public void release() {}
    };
}
