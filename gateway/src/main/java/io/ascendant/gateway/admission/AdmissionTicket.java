package io.ascendant.gateway.admission;

import io.ascendant.billing.ledger.UsageEvent;

/**
 * An admitted request's hold on rate limits and budget. Exactly one of {@link #settle} or {@link #release} is
 * called, once, when the request ends; both are called on an event loop and must not block.
 */
public interface AdmissionTicket {

    /** The request ended with this usage (the same event handed to the ledger). */
    void settle(UsageEvent usage);

    /** The request ended without usage to account (never dispatched); give the hold back. */
    void release();

    /** A ticket that holds nothing. */
    AdmissionTicket NONE = new AdmissionTicket() {
        @Override
        public void settle(UsageEvent usage) {}

        @Override
        public void release() {}
    };
}
