package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.budget.BudgetPeriod;
import io.ascendant.gateway.quota.lease.AccountSnapshot;
import io.ascendant.gateway.quota.lease.LocalPool;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * What happens when a limit says no. The refusal names the limit, its value, what is used and reserved (budgets) and
 * when to retry: for a per-minute rate when the next request conforms, for a concurrency limit one second, for a
 * budget the end of its period. An enforced limit then throws {@link QuotaRefusedException} (a 429); a shadow limit
 * only logs and records a shadow event, so operators see what it would have refused. An enforced budget that refuses
 * is also recorded as exhausted for the admin console (V071 {@code EXHAUSTED} event).
 *
 * <p>Thread-safe; the events are written on the caller's thread.
 */
final class LimitRefusals {
    // The engine's log category, so operators' log settings for quota decisions keep covering these lines.
    private static final Logger LOG = Logger.getLogger(QuotaEngine.class);

    private final ShadowEvents shadowEvents;
    private final ExhaustedEvents exhaustedEvents;

    LimitRefusals(ShadowEvents shadowEvents, ExhaustedEvents exhaustedEvents) {
        this.shadowEvents = shadowEvents;
        this.exhaustedEvents = exhaustedEvents;
    }

    /** A per-minute limit refused the request; retry after {@code retryAfter}. */
    void rate(QuotaRequest r, RateSpec spec, Duration retryAfter, String why) {
        refuseOrShadow(r, spec.shadow(), rateRefusal(spec, retryAfter), why);
    }

    /**
     * A request whose token hold (prompt plus {@code max_tokens}) exceeds a whole tokens-per-minute limit: no minute
     * can ever admit it, so the answer says what to change instead of when to retry (OpenAI answers such a request
     * 429 "Request too large"; without {@code Retry-After}, since SDKs would retry it).
     */
    void tooLarge(QuotaRequest r, RateSpec spec, long tokens) {
        long limit = spec.perMinute();
        StringBuilder m = new StringBuilder("Request too large for ")
                .append(spec.label())
                .append(": limit ")
                .append(limit)
                .append(" tokens per minute, requested ")
                .append(tokens)
                .append(" tokens (prompt ")
                .append(r.promptTokens())
                .append(" + max_tokens ")
                .append(r.maxOutputTokens())
                .append("). ");
        if (r.promptTokens() < limit) {
            m.append("Set max_tokens to at most ")
                    .append(limit - r.promptTokens())
                    .append(" so that prompt plus max_tokens fits the limit");
        } else {
            m.append("The prompt alone does not fit the limit: shorten it");
        }
        m.append(", or ask for a higher limit.");
        QuotaRefusal refusal = new QuotaRefusal(
                QuotaRefusal.RATE_LIMIT_EXCEEDED,
                spec.key(),
                spec.label(),
                BigDecimal.valueOf(limit),
                null,
                null,
                "tokens per minute",
                Duration.ZERO,
                m.toString());
        refuseOrShadow(r, spec.shadow(), refusal, "request needs " + tokens + " tokens");
    }

    /**
     * A concurrency limit of 0: the level is frozen and no request is admitted until an administrator raises it, so the
     * answer says so instead of inviting a retry.
     */
    void frozen(QuotaRequest r, PoolSpec spec) {
        QuotaRefusal refusal = new QuotaRefusal(
                QuotaRefusal.RATE_LIMIT_EXCEEDED,
                spec.key(),
                spec.label(),
                spec.limit(),
                null,
                null,
                "concurrent requests",
                Duration.ZERO,
                "Frozen: " + spec.label() + " is "
                        + spec.limit().stripTrailingZeros().toPlainString()
                        + " concurrent requests, so no request is admitted until an administrator raises the limit.");
        refuseOrShadow(r, spec.shadow(), refusal, "frozen");
    }

    /** A money budget applies but the model has no price, so the cost cannot be held: refused, never guessed. */
    void unpriced(QuotaRequest r, PoolSpec spec, BudgetPeriod period, Instant now) {
        QuotaRefusal unpriced = new QuotaRefusal(
                QuotaRefusal.QUOTA_EXCEEDED,
                spec.key(),
                spec.label() + " (model " + r.model() + " has no price, so the budget cannot be checked)",
                spec.limit(),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                spec.currency(),
                Duration.between(now, period.end()));
        refuseOrShadow(r, spec.shadow(), unpriced, "unpriced model");
    }

    /** A budget or concurrency pool has no room for the request, as {@code pool} last saw the shared account. */
    void poolFull(QuotaRequest r, PoolSpec spec, LocalPool pool, BudgetPeriod period, Instant now) {
        AccountSnapshot s = pool.lastSeen();
        boolean concurrency = spec.unit() == PoolSpec.Unit.REQUESTS;
        QuotaRefusal refusal = new QuotaRefusal(
                concurrency ? QuotaRefusal.RATE_LIMIT_EXCEEDED : QuotaRefusal.QUOTA_EXCEEDED,
                spec.key(),
                spec.label(),
                spec.limit(),
                concurrency ? null : s.committed(),
                concurrency ? null : s.reserved(),
                switch (spec.unit()) {
                    case MONEY -> spec.currency();
                    case TOKENS -> "tokens";
                    case REQUESTS -> "concurrent requests";
                },
                concurrency ? Duration.ofSeconds(1) : Duration.between(now, period.end()));
        if (!spec.shadow() && !concurrency) {
            // Hook for the admin console: a budget that refused is shown as used up (V071 EXHAUSTED event).
            exhaustedEvents.record(r.tenantId(), pool.accountId(), spec.key(), s);
        }
        refuseOrShadow(r, spec.shadow(), refusal, null);
    }

    private void refuseOrShadow(QuotaRequest r, boolean shadow, QuotaRefusal refusal, String why) {
        if (!shadow) {
            throw new QuotaRefusedException(refusal);
        }
        LOG.infof(
                "shadow limit would refuse request %s of tenant %s: %s%s",
                r.requestId(), r.tenantId(), refusal.message(), why == null ? "" : " (" + why + ")");
        shadowEvents.record(r.tenantId(), refusal);
    }

    private static QuotaRefusal rateRefusal(RateSpec spec, Duration retryAfter) {
        return new QuotaRefusal(
                QuotaRefusal.RATE_LIMIT_EXCEEDED,
                spec.key(),
                spec.label(),
                BigDecimal.valueOf(spec.perMinute()),
                null,
                null,
                spec.kind() == RateSpec.Kind.REQUESTS ? "requests per minute" : "tokens per minute",
                retryAfter);
    }
}
