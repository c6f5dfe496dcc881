package io.ascendant.billing.rating;

import io.ascendant.billing.pricebook.PriceWindow;
import java.math.BigDecimal;

/**
 * The rating of one request.
 *
 * @param priceVersionId version used, null when UNPRICED
 * @param window window of the request's finish time
 * @param amount exact unrounded charge
 */
public record Rating(Long priceVersionId, PriceWindow window, BigDecimal amount) {

    /** The rating of usage no version prices. */
    public static final Rating UNPRICED = new Rating(null, PriceWindow.UNPRICED, BigDecimal.ZERO);
}
