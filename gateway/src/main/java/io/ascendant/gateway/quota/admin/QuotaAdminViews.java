package io.ascendant.gateway.quota.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.tenancy.limits.LimitValues;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Wire types of the quota admin API. */
public final class QuotaAdminViews {

    private QuotaAdminViews() {}

    /**
     * A quota event: a soft threshold crossed, a hard budget's first refusal, or a request a shadow limit would have
     * refused.
     *
     * @param id event id, ascending in recording order; an account's {@code EXHAUSTED} event comes after its
     *     {@code THRESHOLD} events (moved behind them when the usage that crosses them settles after the refusal)
     * @param kind {@code THRESHOLD}, {@code EXHAUSTED} or {@code SHADOW_REFUSAL}
     * @param limitKey the limit's key, e.g. {@code money:tenant:<uuid>:*:MONTH}
     * @param thresholdPercent the threshold crossed, for THRESHOLD events
     * @param limit the limit's value, without trailing zeros
     * @param used for THRESHOLD events the settled usage when it crossed, for EXHAUSTED events settled usage plus
     *     holds at the refusal; without trailing zeros
     * @param detail human-readable description
     * @param occurredAt when
     */
    public record QuotaEventView(
            long id,
            String kind,
            String limitKey,
            Integer thresholdPercent,
            BigDecimal limit,
            BigDecimal used,
            String detail,
            Instant occurredAt) {}

    /**
     * A limit on trial (shadow mode): evaluated on its own counters, never refuses, records would-be refusals.
     *
     * @param scope TENANT, PROJECT or KEY
     * @param ownerId the tenant, project or key id
     * @param model {@code *} or a model id
     * @param requestsPerMinute at least 1 (0 would be no limit to the quota engine), as for real limits
     * @param tokensPerMinute at least 1, as for real limits
     */
    public record ShadowLimitBody(
            @NotNull @Pattern(regexp = "TENANT|PROJECT|KEY") String scope,
            @NotNull UUID ownerId,
            @Pattern(regexp = "\\*|[A-Za-z0-9._:-]{1,100}") String model,

            @Positive(message = LimitValues.RATE_AT_LEAST_ONE)
            Integer requestsPerMinute,

            @Positive(message = LimitValues.RATE_AT_LEAST_ONE)
            Long tokensPerMinute,

            @PositiveOrZero Integer concurrentRequests,
            @Pattern(regexp = "DAY|MONTH") String budgetPeriod,
            @PositiveOrZero Long budgetTokens,

            @DecimalMin("0") @Digits(integer = 14, fraction = 6, message = LimitValues.MONEY_DIGITS)
            BigDecimal budgetAmount,

            /*
             * Not part of the shape: present only to refuse the nested form of PUT .../limits, which would
             * otherwise be ignored and store a shadow limit without values.
             */
            @JsonInclude(JsonInclude.Include.NON_NULL) @Null(message = NESTED_LIMITS)
            JsonNode limits) {

        /** Why a nested {@code limits} object is refused. */
        public static final String NESTED_LIMITS = "shadow limits take their values flat, beside scope and ownerId"
                + " (e.g. \"requestsPerMinute\": 60), not nested under \"limits\" as PUT .../limits does";
    }

    /** A stored shadow limit. */
    public record ShadowLimitView(UUID id, ShadowLimitBody limit, Instant createdAt) {}
}
