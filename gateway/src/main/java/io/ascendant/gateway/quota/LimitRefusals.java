package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.budget.BudgetPeriod;
import io.ascendant.gateway.quota.lease.AccountSnapshot;
import io.ascendant.gateway.quota.lease.LocalPool;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * What happens when a limit says no. The refusal names the limit, its value, what is used and reserved (budgets) and
 * when to retry: for a per-minute rate when the next request conforms, for a concurrency limit one second, for a
 * budget the end of its period. A request that no wait can admit (its hold exceeds a whole limit, or a concurrency
 * limit is 0) is told what to change instead, without a retry time. An enforced limit then throws {@link
 * QuotaRefusedException} (a 429); a shadow limit only logs and records a shadow event, so operators see what it would
 * have refused. An enforced budget that refuses because it is used up is also recorded as exhausted for the admin
 * console (V071 {@code EXHAUSTED} event).
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

    /**
     * Refuses the request when an enforced limit can never admit it as sent. Called before anything is taken, so that
     * a limit that is only full for now (a budget until the end of its period) does not send the client to wait for a
     * retry that must fail. Shadow limits are left to admission itself, which logs them once.
     */
    void refuseIfNeverAdmitted(QuotaRequest r, QuotaPolicy policy) {
        for (RateSpec spec : policy.rates()) {
            if (!spec.shadow()) {
                neverAdmits(r, spec);
            }
        }
        for (PoolSpec spec : policy.pools()) {
            if (!spec.shadow()) {
                neverAdmits(r, spec);
            }
        }
    }

    /**
     * Whether the per-minute limit {@code spec} can never admit the request (its tokens exceed the whole limit); if
     * so it is refused, or logged for a shadow limit.
     */
    boolean neverAdmits(QuotaRequest r, RateSpec spec) {
        long n = r.cellsOf(spec.kind());
        if (n <= spec.perMinute()) {
            return false;
        }
        tooLarge(r, spec, n);
        return true;
    }

    /**
     * Whether the pool {@code spec} can never admit the request (its hold exceeds the whole limit: a budget smaller
     * than the request, or a concurrency limit of 0); if so it is refused, or logged for a shadow limit. An unpriced
     * request is not decided here.
     */
    boolean neverAdmits(QuotaRequest r, PoolSpec spec) {
        BigDecimal hold = r.holdOn(spec.unit());
        if (hold == null || hold.compareTo(spec.limit()) <= 0) {
            return false;
        }
        if (spec.unit() == PoolSpec.Unit.REQUESTS) {
            frozen(r, spec);
        } else {
            largerThanBudget(r, spec, hold);
        }
        return true;
    }

    /** A per-minute limit refused the request; retry after {@code retryAfter}. */
    void rate(QuotaRequest r, RateSpec spec, Duration retryAfter, String why) {
        refuseOrShadow(r, spec.shadow(), rateRefusal(spec, retryAfter), why);
    }

    /**
     * A request whose token hold (prompt plus {@code max_tokens}) exceeds a whole tokens-per-minute limit: no minute
     * can ever admit it, so the answer says what to change instead of when to retry, naming the output-limit
     * parameter the client sent ({@link QuotaRequest#outputLimitParam()}) (OpenAI answers such a request
     * 429 "Request too large"; without {@code Retry-After}, since SDKs would retry it).
     */
    private void tooLarge(QuotaRequest r, RateSpec spec, long tokens) {
        long limit = spec.perMinute();
        StringBuilder m = new StringBuilder("Request too large for ")
                .append(spec.label())
                .append(": limit ")
                .append(limit)
                .append(" tokens per minute, requested ")
                .append(tokens)
                .append(" tokens (prompt ")
                .append(r.promptTokens())
                .append(" + ")
                .append(r.maxTokensLabel())
                .append("). ");
        String param = r.outputLimitParam();
        if (r.promptTokens() < limit) {
            m.append("Set ")
                    .append(param)
                    .append(" to at most ")
                    .append(limit - r.promptTokens())
                    .append(" so that prompt plus ")
                    .append(param)
                    .append(" fits the limit");
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
    private void frozen(QuotaRequest r, PoolSpec spec) {
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

    /**
     * A request whose hold exceeds a whole budget (its worst-case cost a money budget, its prompt plus {@code
     * max_tokens} a token budget): no period can admit it, so the answer says what to change instead of when to retry
     * (no {@code Retry-After}: SDKs would retry it at the end of the period, and fail again). The budget is not
     * recorded as exhausted: it is not used up.
     */
    private void largerThanBudget(QuotaRequest r, PoolSpec spec, BigDecimal hold) {
        boolean money = spec.unit() == PoolSpec.Unit.MONEY;
        String unit = money ? spec.currency() : "tokens";
        StringBuilder m = new StringBuilder("Request too large for ")
                .append(spec.label())
                .append(": the whole budget is ")
                .append(plain(spec.limit()))
                .append(' ')
                .append(unit)
                .append(", and the request would hold ")
                .append(plain(hold))
                .append(' ')
                .append(unit);
        OptionalLong fits;
        if (money) {
            m.append(" (its worst case: prompt ")
                    .append(r.promptTokens())
                    .append(" tokens at the cache-miss price + ")
                    .append(r.maxTokensLabel())
                    .append(" at the output price). ");
            fits = r.largestMaxTokensWithin(spec.limit());
        } else {
            m.append(" (prompt ")
                    .append(r.promptTokens())
                    .append(" + ")
                    .append(r.maxTokensLabel())
                    .append("). ");
            fits = OptionalLong.of(Math.max(0, spec.limit().longValue() - r.promptTokens()));
        }
        String param = r.outputLimitParam();
        if (spec.limit().signum() == 0) {
            m.append("No request is admitted until an administrator raises the budget.");
        } else if (fits.isEmpty()) {
            m.append("Lower ").append(param).append(" or shorten the prompt, or ask for a higher budget.");
        } else if (fits.getAsLong() > 0) {
            m.append("Set ")
                    .append(param)
                    .append(" to at most ")
                    .append(fits.getAsLong())
                    .append(money ? " so that the worst case fits" : " so that prompt plus " + param + " fits")
                    .append(" the budget, or ask for a higher budget.");
        } else {
            m.append("The prompt alone does not fit the budget: shorten it, or ask for a higher budget.");
        }
        QuotaRefusal refusal = new QuotaRefusal(
                QuotaRefusal.QUOTA_EXCEEDED,
                spec.key(),
                spec.label(),
                spec.limit(),
                null,
                null,
                unit,
                Duration.ZERO,
                m.toString());
        refuseOrShadow(r, spec.shadow(), refusal, "request would hold " + plain(hold) + " " + unit);
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
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

    /**
     * The {@code Retry-After} of a budget refusal that only holds cause: in-flight requests settle and idle slices
     * return within seconds.
     */
    static final Duration HOLDS_SETTLE_RETRY = Duration.ofSeconds(2);

    /**
     * A budget or concurrency pool has no room for the request's {@code hold}, as {@code pool} last saw the shared
     * account. A budget refusal whose hold would fit beside the settled usage is full only of holds (requests in flight,
     * replicas' unspent slices), which settle or return within seconds: it says to retry after {@link
     * #HOLDS_SETTLE_RETRY}, not at the end of the period.
     */
    void poolFull(QuotaRequest r, PoolSpec spec, LocalPool pool, BudgetPeriod period, Instant now, BigDecimal hold) {
        AccountSnapshot s = pool.lastSeen();
        boolean concurrency = spec.unit() == PoolSpec.Unit.REQUESTS;
        Duration untilPeriodEnd = Duration.between(now, period.end());
        boolean onlyHoldsInTheWay = !concurrency && s.committed().add(hold).compareTo(spec.limit()) <= 0;
        Duration budgetRetry = onlyHoldsInTheWay && HOLDS_SETTLE_RETRY.compareTo(untilPeriodEnd) < 0
                ? HOLDS_SETTLE_RETRY
                : untilPeriodEnd;
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
                concurrency ? Duration.ofSeconds(1) : budgetRetry);
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
                (spec.kind() == RateSpec.Kind.REQUESTS ? "request" : "token") + (spec.perMinute() == 1 ? "" : "s")
                        + " per minute",
                retryAfter);
    }
}
