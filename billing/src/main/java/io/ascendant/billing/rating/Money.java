package io.ascendant.billing.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * The one rounding rule of billing: an amount is rounded once, to the currency's minor unit (ISO 4217 default
 * fraction digits: USD and CNY 2, JPY 0, KWD 3), with {@link RoundingMode#HALF_UP} (half away from zero, the rule of
 * Kill Bill's {@code KillBillMoney} and OpenMeter's fiat currencies). It is applied per invoice line to the exact line
 * sum, and to the discount and the tax, never per request.
 */
public final class Money {

    /** The rounding mode of every monetary rounding. */
    public static final RoundingMode ROUNDING = RoundingMode.HALF_UP;

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100L);

    private Money() {}

    /**
     * Number of decimals of the currency's minor unit.
     *
     * @throws IllegalArgumentException for an unknown code or a currency without a minor unit (e.g. XAU)
     */
    public static int minorDigits(String currency) {
        int d;
        try {
            d = Currency.getInstance(currency).getDefaultFractionDigits();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown ISO 4217 currency: " + currency);
        }
        if (d < 0) {
            throw new IllegalArgumentException("currency " + currency + " has no minor unit and cannot be invoiced");
        }
        return d;
    }

    /** {@code amount} rounded to the currency's minor unit, HALF_UP. */
    public static BigDecimal round(BigDecimal amount, String currency) {
        return amount.setScale(minorDigits(currency), ROUNDING);
    }

    /**
     * Exact charge of {@code tokens} at {@code pricePerMillion}: tokens × price / 1,000,000, no rounding. The value
     * and scale are those of {@code BigDecimal.divide(1_000_000)} (the exact quotient at the smallest scale not below
     * the product's), computed by a decimal point shift: this runs once per token class of every metered request.
     */
    public static BigDecimal charge(long tokens, BigDecimal pricePerMillion) {
        if (tokens == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal product = BigDecimal.valueOf(tokens).multiply(pricePerMillion);
        BigDecimal quotient = product.movePointLeft(6).stripTrailingZeros();
        return quotient.scale() < product.scale() ? quotient.setScale(product.scale()) : quotient;
    }

    /** {@code percent}% of {@code amount}, rounded to the currency's minor unit, HALF_UP. */
    public static BigDecimal percentOf(BigDecimal amount, BigDecimal percent, String currency) {
        return round(amount.multiply(percent).divide(HUNDRED), currency);
    }
}
