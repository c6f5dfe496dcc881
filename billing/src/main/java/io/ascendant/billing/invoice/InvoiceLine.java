package io.ascendant.billing.invoice;

import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.TokenClass;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One invoice line: a model × token class × price version × window (× service period), with its quantity in tokens,
 * the unit price per one million tokens, the exact amount and the amount rounded once to the currency's minor unit.
 *
 * @param lineNo 1-based position
 * @param kind usage of the period, late-usage adjustment, or credit
 * @param servicePeriodStart first local day of the usage billed (inclusive)
 * @param servicePeriodEnd day after the last local day billed (exclusive)
 * @param model model id
 * @param tokenClass cache hit, cache miss or output
 * @param priceVersionId price-book version of the unit price
 * @param window price window
 * @param quantityTokens tokens billed (negative on credit notes)
 * @param unitPricePerMtok price per 1,000,000 tokens
 * @param amountPrecise quantity × unit price / 10⁶, exact
 * @param amount {@code amountPrecise} rounded HALF_UP to the minor unit
 */
public record InvoiceLine(
        int lineNo,
        LineKind kind,
        LocalDate servicePeriodStart,
        LocalDate servicePeriodEnd,
        String model,
        TokenClass tokenClass,
        long priceVersionId,
        PriceWindow window,
        long quantityTokens,
        BigDecimal unitPricePerMtok,
        BigDecimal amountPrecise,
        BigDecimal amount) {}
