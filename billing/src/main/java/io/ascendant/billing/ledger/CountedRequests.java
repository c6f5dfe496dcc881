package io.ascendant.billing.ledger;

/**
 * Which usage rows the usage rollups (and so the usage API's request counts) count as requests.
 *
 * <p>Every dispatched request has exactly one ledger row, whatever its outcome: it is the request's audit record and
 * makes {@link UsageLedger#record} idempotent by request id. But a request that ended {@link UsageStatus#FAILED} or
 * {@link UsageStatus#CANCELLED} with no tokens at all (the host refused it, e.g. a context-length or parameter 400, or
 * failed or was abandoned before producing anything) consumed nothing and costs nothing; like OpenAI's usage API, the
 * usage rollups leave it out, requests and buckets alike. Its row stays in {@code usage_ledger}. Any row with tokens
 * (a FAILED row whose prompt the host reported, a partial answer) is counted and charged as before.
 */
public final class CountedRequests {
    private CountedRequests() {}

    /**
     * SQL predicate over a {@code usage_ledger} row (or a relation with its {@code status} and token columns,
     * unqualified): true when the row counts as a request in the rollups.
     */
    public static final String SQL = "NOT (status IN ('FAILED', 'CANCELLED') AND cache_hit_tokens = 0"
            + " AND cache_miss_tokens = 0 AND output_tokens = 0)";
}
