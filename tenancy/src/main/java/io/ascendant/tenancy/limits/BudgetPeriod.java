package io.ascendant.tenancy.limits;

/** Period of a hard budget, in the tenant's time zone (calendar day / calendar month). */
public enum BudgetPeriod {
    DAY,
    MONTH
}
