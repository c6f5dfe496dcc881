package io.ascendant.billing.account;

import java.math.BigDecimal;
import java.time.Instant;
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
 * @param createdAt creation time
 */
public record BillingAccount(
        UUID tenantId,
        String displayName,
        String currency,
        ZoneId timeZone,
        BigDecimal taxRatePercent,
        BigDecimal discountPercent,
        Instant createdAt) {}
