package io.ascendant.tenancy.limits;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;

/**
 * Limits and budgets of one level (plan, tenant, project or key), each {@code null} = no limit at this level.
 *
 * @param requestsPerMinute requests per rolling minute
 * @param tokensPerMinute tokens (prompt + completion) per rolling minute
 * @param concurrentRequests requests in flight at once
 * @param budgetPeriod period of the budgets below (required when a budget is set)
 * @param budgetTokens hard budget in tokens per period
 * @param budgetAmount hard budget in money per period, in the tenant's currency (scale ≤ 6)
 */
public record LimitValues(
        @PositiveOrZero @Max(10_000_000) Integer requestsPerMinute,
        @PositiveOrZero Long tokensPerMinute,
        @PositiveOrZero @Max(1_000_000) Integer concurrentRequests,
        BudgetPeriod budgetPeriod,
        @PositiveOrZero Long budgetTokens,
        @DecimalMin("0") @Digits(integer = 14, fraction = 6) BigDecimal budgetAmount) {

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
