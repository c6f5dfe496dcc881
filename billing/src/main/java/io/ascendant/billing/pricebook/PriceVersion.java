package io.ascendant.billing.pricebook;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One immutable price-book version: a model's prices in one currency from {@code effectiveFrom} until the next
 * version of the same model, currency and tenant scope starts.
 *
 * @param id database id, named on every usage row rated with it
 * @param model public model id, e.g. {@code deepseek-v4-pro}
 * @param currency ISO 4217 code
 * @param tenantId null for list prices, else the tenant this override applies to
 * @param effectiveFrom first instant the version applies to (usage is dated by its finish time)
 * @param base STANDARD rates, or OFF_PEAK rates when {@code peak} is not null
 * @param peak the peak schedule, or null when the version has one flat rate
 * @param peakRates PEAK rates, null exactly when {@code peak} is null
 * @param source where the prices come from (free text)
 */
public record PriceVersion(
        long id,
        String model,
        String currency,
        UUID tenantId,
        Instant effectiveFrom,
        Rates base,
        PeakSchedule peak,
        Rates peakRates,
        String source) {

    public PriceVersion {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        Objects.requireNonNull(base, "base");
        if ((peak == null) != (peakRates == null)) {
            throw new IllegalArgumentException("peak schedule and peak rates come together");
        }
    }

    /** The window {@code at} falls in under this version: STANDARD without a schedule, else PEAK or OFF_PEAK. */
    public PriceWindow windowAt(Instant at) {
        if (peak == null) {
            return PriceWindow.STANDARD;
        }
        return peak.isPeak(at) ? PriceWindow.PEAK : PriceWindow.OFF_PEAK;
    }

    /**
     * The rates of a window of this version.
     *
     * @throws IllegalArgumentException for UNPRICED, or for a window the version does not have
     */
    public Rates rates(PriceWindow w) {
        return switch (w) {
            case STANDARD -> {
                if (peak != null) throw new IllegalArgumentException("version " + id + " has peak windows");
                yield base;
            }
            case OFF_PEAK -> {
                if (peak == null) throw new IllegalArgumentException("version " + id + " has no peak windows");
                yield base;
            }
            case PEAK -> {
                if (peak == null) throw new IllegalArgumentException("version " + id + " has no peak windows");
                yield peakRates;
            }
            case UNPRICED -> throw new IllegalArgumentException("UNPRICED has no rates");
        };
    }
}
