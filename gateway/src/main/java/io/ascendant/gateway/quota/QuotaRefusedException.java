package io.ascendant.gateway.quota;

/**
 * Admission refused a request; {@link #refusal()} says which limit and when to retry (rendered as a 429), and
 * {@link #headers()} carries the {@code x-ratelimit-*} headers of the refusal (the refused per-minute limit, or the
 * tightest one when a budget or concurrency limit refused).
 */
public final class QuotaRefusedException extends RuntimeException {

    private final transient QuotaRefusal refusal;
    private final transient RateLimitHeaders headers;

    /** For {@code refusal}; the message is the client-facing one. */
    public QuotaRefusedException(QuotaRefusal refusal) {
        this(refusal, RateLimitHeaders.NONE);
    }

    /** For {@code refusal} with the response's rate-limit headers. */
    public QuotaRefusedException(QuotaRefusal refusal, RateLimitHeaders headers) {
        super(refusal.message(), null, false, false);
        this.refusal = refusal;
        this.headers = headers;
    }

    public QuotaRefusal refusal() {
        return refusal;
    }

    /** The {@code x-ratelimit-*} headers of the refusal ({@link RateLimitHeaders#NONE} when no per-minute limit applies). */
    public RateLimitHeaders headers() {
        return headers;
    }
}
