package io.ascendant.gateway.quota;

/**
 * The shared quota state in PostgreSQL could not be read or written. Admission fails closed on it (the request is
 * answered 503), because a hard budget that cannot be checked must not be spent.
 */
public final class QuotaStoreException extends RuntimeException {

    /** With a message naming the pool or limit and the cause. */
    public QuotaStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With a message only. */
    public QuotaStoreException(String message) {
        super(message);
    }
}
