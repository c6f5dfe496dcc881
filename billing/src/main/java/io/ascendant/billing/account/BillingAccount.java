package io.ascendant.billing.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.UUID;

/**
 * A tenant's billing account: who is invoiced, in which currency and time zone, with which tax and discount.
 *
 * @param tenantId the tenant (same id as in tenancy; billing does not depend on tenancy)
 * @param displayName the legal or display name printed on invoices
 * @param currency ISO 4217 code; every usage row and invoice of the tenant is in it; fixed at creation
 * @param timeZone zone whose calendar months are the invoice periods
 * @param taxRatePercent tax rate in percent (e.g. {@code 19.0000}), 0..100, applied after discount
 * @param discountPercent tenant discount in percent, 0..100, applied to the invoice subtotal
 * @param createdAt creation time: no invoice is drafted for a month that ended before it
 */
public record BillingAccount(
        UUID tenantId,
        String displayName,
        String currency,
        ZoneId timeZone,
        BigDecimal taxRatePercent,
        BigDecimal discountPercent,
        Instant createdAt) {

    /**
     * The first calendar month (of {@link #timeZone}) that can be invoiced: the month the account was opened in.
     * Earlier months ended before the tenant existed, so their invoices could only be empty.
     */
    public YearMonth firstInvoicePeriod() {
        return YearMonth.from(createdAt.atZone(timeZone));
    }

    /** Whether {@code period} ended before the account was opened (see {@link #firstInvoicePeriod()}). */
    public boolean endedBeforeOpening(YearMonth period) {
        return period.isBefore(firstInvoicePeriod());
    }
}
