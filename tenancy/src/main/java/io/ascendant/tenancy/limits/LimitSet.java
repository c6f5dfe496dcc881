package io.ascendant.tenancy.limits;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One row of limits for (scope, owner, model); model {@value #ALL_MODELS} applies to all models. */
@Entity
@Table(name = "limit_set")
public class LimitSet {
    /** Model value meaning "every model". */
    public static final String ALL_MODELS = "*";

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 8)
    public LimitScope scope;

    @Column(name = "owner_id", nullable = false)
    public UUID ownerId;

    /** Null only for plan limits. */
    @Column(name = "tenant_id")
    public UUID tenantId;

    @Column(nullable = false, length = 100)
    public String model;

    @Column(name = "requests_per_minute")
    public Integer requestsPerMinute;

    @Column(name = "tokens_per_minute")
    public Long tokensPerMinute;

    @Column(name = "concurrent_requests")
    public Integer concurrentRequests;

    @Enumerated(EnumType.STRING)
    @Column(name = "budget_period", length = 8)
    public BudgetPeriod budgetPeriod;

    @Column(name = "budget_tokens")
    public Long budgetTokens;

    @Column(name = "budget_amount", precision = 20, scale = 6)
    public BigDecimal budgetAmount;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false, length = 200)
    public String updatedBy;

    /** The values of this row. */
    public LimitValues values() {
        return new LimitValues(
                requestsPerMinute, tokensPerMinute, concurrentRequests, budgetPeriod, budgetTokens, budgetAmount);
    }

    /** Replaces the values of this row. */
    public void setValues(LimitValues v) {
        requestsPerMinute = v.requestsPerMinute();
        tokensPerMinute = v.tokensPerMinute();
        concurrentRequests = v.concurrentRequests();
        budgetPeriod = v.budgetPeriod();
        budgetTokens = v.budgetTokens();
        budgetAmount = v.budgetAmount();
    }
}
