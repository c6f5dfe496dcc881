package io.ascendant.admin.billing;

import io.ascendant.billing.BillingException;
import io.ascendant.billing.pricebook.PeakSchedule;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.Rates;
import io.ascendant.tenancy.common.Validation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/**
 * A price-book version on the wire (request and response). Prices are per one million tokens.
 *
 * @param id assigned id (ignored on create)
 * @param model model id
 * @param currency ISO 4217 code
 * @param tenantId null for list prices, else the tenant of this override
 * @param effectiveFrom start instant (ISO-8601); must be in the future
 * @param rates STANDARD rates, or OFF_PEAK rates when {@code peak} is given
 * @param peak optional time-of-day windows with their PEAK rates
 * @param source where the prices come from
 */
public record PriceVersionBody(
        Long id,

        @NotBlank
        @Size(max = 128)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String model,

        @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD")
        String currency,

        UUID tenantId,
        @NotNull Instant effectiveFrom,
        @NotNull @Valid RatesBody rates,
        @Valid PeakBody peak,

        @Size(max = 500) @Pattern(regexp = Validation.NO_NUL_REGEX, message = Validation.NO_NUL_MESSAGE)
        String source) {

    /** Prices per 1M tokens. */
    public record RatesBody(
            @NotNull @DecimalMin("0") BigDecimal cacheHit,
            @NotNull @DecimalMin("0") BigDecimal cacheMiss,
            @NotNull @DecimalMin("0") BigDecimal output) {}

    /**
     * Peak windows: local ranges {@code 09:00-12:00,14:00-18:00} in {@code zone}, optionally Monday to Friday only;
     * each range is start-inclusive, end-exclusive, and {@code 24:00} ends a range at midnight ({@code 00:00-24:00} is
     * the whole day).
     */
    public record PeakBody(
            @NotBlank String zone,
            @NotBlank @Size(max = 200) String hours,
            boolean weekdaysOnly,
            @NotNull @Valid RatesBody rates) {}

    /** The domain version this body describes. */
    PriceVersion toDomain() {
        PeakSchedule schedule = null;
        Rates peakRates = null;
        if (peak != null) {
            ZoneId zone;
            try {
                zone = ZoneId.of(peak.zone().strip());
            } catch (DateTimeException e) {
                throw new BillingException.Invalid(
                        "peak.zone",
                        "peak.zone must be an IANA time zone such as Asia/Shanghai, or a fixed offset such as +08:00");
            }
            try {
                schedule = PeakSchedule.parse(zone, peak.hours(), peak.weekdaysOnly());
            } catch (IllegalArgumentException e) {
                throw new BillingException.Invalid("peak.hours", e.getMessage());
            }
            peakRates = rates(peak.rates());
        }
        return new PriceVersion(
                0, model.strip(), currency, tenantId, effectiveFrom, rates(rates), schedule, peakRates, source);
    }

    private static Rates rates(RatesBody r) {
        return new Rates(r.cacheHit(), r.cacheMiss(), r.output());
    }

    /** The wire form of a stored version. */
    static PriceVersionBody of(PriceVersion v) {
        PeakBody peak = v.peak() == null
                ? null
                : new PeakBody(
                        v.peak().zone().getId(),
                        v.peak().hoursText(),
                        v.peak().weekdaysOnly(),
                        new RatesBody(
                                v.peakRates().cacheHit(),
                                v.peakRates().cacheMiss(),
                                v.peakRates().output()));
        return new PriceVersionBody(
                v.id(),
                v.model(),
                v.currency(),
                v.tenantId(),
                v.effectiveFrom(),
                new RatesBody(
                        v.base().cacheHit(), v.base().cacheMiss(), v.base().output()),
                peak,
                v.source());
    }
}
