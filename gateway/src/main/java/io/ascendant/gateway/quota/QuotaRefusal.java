package io.ascendant.gateway.quota;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Why a request was refused: which limit, its value, and when to retry.
 *
 * @param code the OpenAI-style error code: {@code rate_limit_exceeded} or {@code quota_exceeded}
 * @param limitKey the limit's key (for operators and logs)
 * @param label human name of the limit, e.g. {@code tenant monthly money budget}
 * @param limit the limit's value (per minute, per period or concurrent)
 * @param used for budgets the settled usage of the period, else null
 * @param held for budgets the amount held by in-flight requests and replica slices, else null
 * @param unit what the numbers count: {@code requests}, {@code tokens} or a currency code
 * @param retryAfter when a retry can succeed: for budgets the end of the period, or a few seconds when only holds (in
 *     flight, or replicas' unspent slices) stand in the way; ignored when {@code neverAdmitted}
 * @param neverAdmitted null when a retry can succeed; else why the request can never be admitted as sent and what to
 *     change (a hold larger than the whole limit, or a limit of 0): then there is no {@code Retry-After}, since SDKs
 *     retry a 429 that carries one
 */
public record QuotaRefusal(
        String code,
        String limitKey,
        String label,
        BigDecimal limit,
        BigDecimal used,
        BigDecimal held,
        String unit,
        Duration retryAfter,
        String neverAdmitted) {

    /** A refusal that a retry after {@code retryAfter} can clear. */
    public QuotaRefusal(
            String code,
            String limitKey,
            String label,
            BigDecimal limit,
            BigDecimal used,
            BigDecimal held,
            String unit,
            Duration retryAfter) {
        this(code, limitKey, label, limit, used, held, unit, retryAfter, null);
    }

    /** Rate-limit refusals. */
    public static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";
    /** Budget refusals. */
    public static final String QUOTA_EXCEEDED = "quota_exceeded";

    /** The message for the client: the limit, its value and when to retry; never secrets. */
    public String message() {
        StringBuilder m = new StringBuilder();
        if (neverAdmitted != null) {
            return m.append(neverAdmitted).append(" Retrying will not help.").toString();
        }
        m.append("Limit reached: ")
                .append(label)
                .append(" is ")
                .append(limit.stripTrailingZeros().toPlainString());
        m.append(' ').append(unit);
        if (used != null) {
            m.append("; used ").append(used.stripTrailingZeros().toPlainString());
            m.append(", held by requests in flight and replicas' leases ")
                    .append(held.stripTrailingZeros().toPlainString());
        }
        m.append(". Retry after ").append(Math.max(1, ceilSeconds(retryAfter))).append(" s.");
        return m.toString();
    }

    /** Whether waiting can clear this refusal (then {@link #retryAfterSeconds()} says how long). */
    public boolean retryable() {
        return neverAdmitted == null;
    }

    /** {@code Retry-After} in whole seconds, at least 1; 0 when the request can never be admitted as sent. */
    public long retryAfterSeconds() {
        if (!retryable()) {
            return 0;
        }
        return Math.max(1, ceilSeconds(retryAfter));
    }

    private static long ceilSeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
