package io.ascendant.billing.rating;

import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.Rates;
import java.time.Instant;
import java.util.UUID;

/**
 * Rates one request: finds the version for (tenant, model, currency) in force at the start time (or, in the older
 * overload, the finish time), the window at the finish time, and charges Σ tokens × price / 10⁶ exactly (no
 * rounding; see {@link Money}). Pure and thread-safe.
 */
public final class Rater {

    private Rater() {}

    /** Rates usage finished at {@code at}; {@link Rating#UNPRICED} when no version applies. */
    public static Rating rate(
            PriceBook book,
            UUID tenantId,
            String model,
            String currency,
            Instant at,
            long cacheHit,
            long cacheMiss,
            long output) {
        return book.find(tenantId, model, currency, at)
                .map(v -> rate(v, at, cacheHit, cacheMiss, output))
                .orElse(Rating.UNPRICED);
    }

    /**
     * Rates a request with the version in force when it started and the price window in force when it finished:
     * a version that starts while a request runs never applies to it, so the quota module's hold (priced with the
     * version at the start, the dearer of peak and off-peak) always covers the charge. {@link Rating#UNPRICED} when
     * no version was in force at {@code startedAt}.
     */
    public static Rating rate(
            PriceBook book,
            UUID tenantId,
            String model,
            String currency,
            Instant startedAt,
            Instant finishedAt,
            long cacheHit,
            long cacheMiss,
            long output) {
        return book.find(tenantId, model, currency, startedAt)
                .map(v -> rate(v, finishedAt, cacheHit, cacheMiss, output))
                .orElse(Rating.UNPRICED);
    }

    /** Rates usage finished at {@code at} with a given version. */
    public static Rating rate(PriceVersion v, Instant at, long cacheHit, long cacheMiss, long output) {
        PriceWindow w = v.windowAt(at);
        Rates r = v.rates(w);
        return new Rating(
                v.id(),
                w,
                Money.charge(cacheHit, r.cacheHit())
                        .add(Money.charge(cacheMiss, r.cacheMiss()))
                        .add(Money.charge(output, r.output())));
    }
}
