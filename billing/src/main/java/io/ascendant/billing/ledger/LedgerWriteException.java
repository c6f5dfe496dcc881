package io.ascendant.billing.ledger;

/**
 * {@link UsageLedger#record} could not make the usage durable (database unreachable past the retry budget, queue
 * full past the record timeout, or the writer shut down). The usage is then <em>not</em> in the ledger; the caller
 * decides what to do with the request (the gateway logs it with the request id and keeps retrying or alerts).
 */
public final class LedgerWriteException extends RuntimeException {
    public LedgerWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
