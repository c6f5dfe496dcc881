package io.ascendant.billing.pricebook;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Prices per one million tokens for the three token classes, in the version's currency.
 *
 * @param cacheHit prompt tokens served from cache
 * @param cacheMiss prompt tokens computed afresh
 * @param output completion tokens (reasoning included)
 */
public record Rates(BigDecimal cacheHit, BigDecimal cacheMiss, BigDecimal output) {

    public Rates {
        Objects.requireNonNull(cacheHit, "cacheHit");
        Objects.requireNonNull(cacheMiss, "cacheMiss");
        Objects.requireNonNull(output, "output");
        if (cacheHit.signum() < 0 || cacheMiss.signum() < 0 || output.signum() < 0) {
            throw new IllegalArgumentException("prices must be >= 0");
        }
    }

    /** The price of one token class. */
    public BigDecimal of(TokenClass c) {
        return switch (c) {
            case CACHE_HIT -> cacheHit;
            case CACHE_MISS -> cacheMiss;
            case OUTPUT -> output;
        };
    }
}
