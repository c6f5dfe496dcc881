package io.ascendant.billing.account;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.UUID;

/**
 * Input of {@link BillingAccountService#create(NewBillingAccount)}.
 *
 * @param tenantId tenant id (required)
 * @param displayName 1..200 characters (required)
 * @param currency ISO 4217 code, e.g. {@code USD} or {@code CNY} (required)
 * @param timeZone IANA zone of the invoice calendar (required)
 * @param taxRatePercent 0..100 with at most 4 decimals; null means 0
 * @param discountPercent 0..100 with at most 4 decimals; null means 0
 */
public record NewBillingAccount(
        UUID tenantId,
        String displayName,
        String currency,
        ZoneId timeZone,
        BigDecimal taxRatePercent,
        BigDecimal discountPercent) {}
