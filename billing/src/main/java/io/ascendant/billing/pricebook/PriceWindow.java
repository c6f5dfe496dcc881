package io.ascendant.billing.pricebook;

/**
 * Which rate of a price-book version applied to a request.
 *
 * <p>A version without time-of-day windows has only {@link #STANDARD} rates; a version with windows has
 * {@link #PEAK} and {@link #OFF_PEAK} rates. {@link #UNPRICED} marks a usage row for which no version existed
 * (unknown model or currency): the row is kept (served usage is never dropped), charged zero and reported by
 * {@code ascendant billing reconcile}.
 */
public enum PriceWindow {
    STANDARD,
    PEAK,
    OFF_PEAK,
    UNPRICED
}
