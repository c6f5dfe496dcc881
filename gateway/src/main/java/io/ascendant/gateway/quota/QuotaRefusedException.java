package io.ascendant.gateway.quota;

/** Admission refused a request; {@link #refusal()} says which limit and when to retry (rendered as a 429). */
public final class QuotaRefusedException extends RuntimeException {

    private final transient QuotaRefusal refusal;

    /** For {@code refusal}; the message is the client-facing one. */
    public QuotaRefusedException(QuotaRefusal refusal) {
        super(refusal.message(), null, false, false);
        this.refusal = refusal;
    }

    public QuotaRefusal refusal() {
        return refusal;
    }
}
