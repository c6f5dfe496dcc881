package io.ascendant.billing.ledger;

/**
 * How a metered request ended. Every status is recorded; rating charges the tokens the row reports whatever the
 * status (a cancelled stream is charged for the tokens it produced), so a FAILED row normally carries zero output.
 */
public enum UsageStatus {
    /** The response was delivered in full. */
    COMPLETED,
    /** The client went away or cancelled; tokens produced up to then are charged. */
    CANCELLED,
    /** The model host failed after part of the output reached the client; the partial output is charged. */
    FAILED_AFTER_PARTIAL_OUTPUT,
    /** The request failed before any output; prompt tokens are charged only if the event reports them. */
    FAILED
}
