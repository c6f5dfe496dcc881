package io.ascendant.gateway.quota.budget;

/**
 * The reset cycle of a budget, in the tenant's time zone. {@link #NONE} is for pools that never reset (concurrency
 * limits).
 */
public enum PeriodKind {
    DAY,
    MONTH,
    NONE
}
