package io.ascendant.billing.pricebook;

/** The three separately priced kinds of tokens. */
public enum TokenClass {
    CACHE_HIT,
    CACHE_MISS,
    OUTPUT
}
