package io.ascendant.tenancy.limits;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;

/**
 * Limits and budgets of one level (plan, tenant, project or key), each {@code null} = no limit at this level.
 *
 * <p>What 0 means differs by kind, so the rate limits refuse it: a rate of 0 per minute cannot be enforced as a rate
 * (the quota engine skips it, which would silently lift the plan's limit), and an admin who writes it almost always
 * means "stop this tenant", which is what suspending does. Budgets and {@code concurrentRequests} take 0 and then
 * refuse every request (a frozen tenant, project or key). Rows stored before rates refused 0 keep their enforcement
 * (no limit at that level); only new writes are checked.
 *
 * @param requestsPerMinute requests per rolling minute, at least 1
 * @param tokensPerMinute tokens (prompt + completion) per rolling minute, at least 1
 * @param concurrentRequests requests in flight at once; 0 refuses every request
 * @param budgetPeriod period of the budgets below (required when a budget is set)
 * @param budgetTokens hard budget in tokens per period; 0 refuses every request
 * @param budgetAmount hard budget in money per period, in the tenant's currency (scale ≤ 6); 0 refuses every request
 */
public record LimitValues(
        @Positive(message = LimitValues.RATE_AT_LEAST_ONE) @Max(10_000_000)
        Integer requestsPerMinute,

        @Positive(message = LimitValues.RATE_AT_LEAST_ONE) Long tokensPerMinute,
        @PositiveOrZero @Max(1_000_000) Integer concurrentRequests,
        BudgetPeriod budgetPeriod,
        @PositiveOrZero Long budgetTokens,

        @DecimalMin("0") @Digits(integer = 14, fraction = 6, message = LimitValues.MONEY_DIGITS)
        BigDecimal budgetAmount) {

    /** Why a rate limit of 0 or less is refused, and what to do instead. */
    public static final String RATE_AT_LEAST_ONE =
            "must be at least 1; omit the field for no limit, or suspend the tenant to stop its traffic";

    /** The digits a money amount may have (the column is {@code numeric(20,6)}), in plain words. */
    public static final String MONEY_DIGITS =
            "must have at most 14 digits before the decimal point and 6 after (the smallest amount is 0.000001)";

    /**
     * The money budget in its shortest plain form ({@link #plain}), however it was written or stored: a budget sent
     * as {@code 5.00} and read back from its {@code numeric(20,6)} column as {@code 5.000000} is {@code 5} in every
     * answer (the echo of a write and every later read alike).
     */
    public LimitValues {
        budgetAmount = plain(budgetAmount);
    }

    /**
     * {@code amount} without trailing zeros and never in exponent form ({@code 5.00} and {@code 5.000000} are
     * {@code 5}, {@code 0.500000} is {@code 0.5}, {@code 1E+3} is {@code 1000}); the same number, so exact money
     * stays exact. Null stays null.
     */
    public static BigDecimal plain(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        BigDecimal s = amount.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** No limits at all. */
    public static final LimitValues NONE = new LimitValues(null, null, null, null, null, null);

    /** Field by field: {@code override}'s non-null values replace this one's. */
    public LimitValues overlay(LimitValues override) {
        if (override == null) {
            return this;
        }
        return new LimitValues(
                override.requestsPerMinute != null ? override.requestsPerMinute : requestsPerMinute,
                override.tokensPerMinute != null ? override.tokensPerMinute : tokensPerMinute,
                override.concurrentRequests != null ? override.concurrentRequests : concurrentRequests,
                override.budgetPeriod != null ? override.budgetPeriod : budgetPeriod,
                override.budgetTokens != null ? override.budgetTokens : budgetTokens,
                override.budgetAmount != null ? override.budgetAmount : budgetAmount);
    }

    /**
     * Whether no field is set. Not a property of the wire type: Jackson and the OpenAPI document would otherwise take
     * it for one ({@code "empty"}), which the admin API refuses as an unknown field on input.
     */
    @JsonIgnore
    public boolean isEmpty() {
        return this.equals(NONE);
    }
}
