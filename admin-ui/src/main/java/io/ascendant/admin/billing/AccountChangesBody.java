package io.ascendant.admin.billing;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/**
 * Changes to a billing account (null = unchanged). Name and time zone follow the tenant (the tenant update mirrors
 * them); tax rate and discount are billing's own.
 *
 * @param displayName name on invoices
 * @param timeZone accepted only when it is the tenant's zone (409 otherwise: change it on the tenant)
 * @param taxRatePercent 0..100
 * @param discountPercent 0..100
 */
public record AccountChangesBody(
        @Size(min = 1, max = 200)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String displayName,

        String timeZone,
        @DecimalMin("0") @DecimalMax("100") BigDecimal taxRatePercent,
        @DecimalMin("0") @DecimalMax("100") BigDecimal discountPercent) {}
