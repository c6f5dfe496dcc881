package io.ascendant.billing.account;

import java.math.BigDecimal;
import java.time.ZoneId;

/**
 * Partial update of a billing account; null components are left unchanged. The currency cannot change (usage
 * already rated in it); nor can the time zone once the tenant has metered usage or an invoice
 * ({@link BillingAccountService#requireTimeZoneChangeable}). The zone is the tenant's: the admin API changes it on the
 * tenant, which updates both.
 *
 * @param displayName new display name, 1..200 characters
 * @param timeZone new invoice time zone
 * @param taxRatePercent new tax rate, 0..100
 * @param discountPercent new discount, 0..100
 */
public record BillingAccountChanges(
        String displayName, ZoneId timeZone, BigDecimal taxRatePercent, BigDecimal discountPercent) {}
