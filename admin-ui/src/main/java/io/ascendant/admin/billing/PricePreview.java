package io.ascendant.admin.billing;

import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.Rates;
import io.ascendant.billing.rating.Money;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sample request would cost under one price-book version, computed on the server with billing's own rule
 * ({@link Money#charge}: tokens × price per million / 1,000,000, exact, never a binary float), per price window of the
 * version: STANDARD, or OFF_PEAK and PEAK. Amounts are decimal strings in plain notation ({@code "0.000000084"}), so
 * no client parses them into a binary float or sees an exponent.
 *
 * @param versionId the price version
 * @param model its model
 * @param currency currency of every amount
 * @param windows one cost per window of the version
 */
public record PricePreview(long versionId, String model, String currency, List<WindowCost> windows) {

    /** Largest token count accepted per class (a sample request, not a month of traffic). */
    public static final long MAX_TOKENS = 1_000_000_000_000L;

    /**
     * A sample request.
     *
     * @param cacheHitTokens prompt tokens served from the prefix cache
     * @param cacheMissTokens prompt tokens not in the cache
     * @param outputTokens completion tokens (reasoning included)
     */
    public record Sample(
            @NotNull @PositiveOrZero @Max(MAX_TOKENS) Long cacheHitTokens,
            @NotNull @PositiveOrZero @Max(MAX_TOKENS) Long cacheMissTokens,
            @NotNull @PositiveOrZero @Max(MAX_TOKENS) Long outputTokens) {}

    /**
     * The cost of the sample in one window.
     *
     * @param window STANDARD, OFF_PEAK or PEAK
     * @param cacheHit exact charge of the cache-hit tokens
     * @param cacheMiss exact charge of the cache-miss tokens
     * @param output exact charge of the output tokens
     * @param total exact sum (what the ledger records for such a request)
     * @param totalRounded the total rounded once to the currency's minor unit, HALF_UP (billing's rounding rule)
     */
    public record WindowCost(
            PriceWindow window, String cacheHit, String cacheMiss, String output, String total, String totalRounded) {}

    /** The preview of {@code sample} under {@code v}. */
    public static PricePreview of(PriceVersion v, Sample sample) {
        List<WindowCost> out = new ArrayList<>();
        if (v.peak() == null) {
            out.add(cost(PriceWindow.STANDARD, v.rates(PriceWindow.STANDARD), sample, v.currency()));
        } else {
            out.add(cost(PriceWindow.OFF_PEAK, v.rates(PriceWindow.OFF_PEAK), sample, v.currency()));
            out.add(cost(PriceWindow.PEAK, v.rates(PriceWindow.PEAK), sample, v.currency()));
        }
        return new PricePreview(v.id(), v.model(), v.currency(), List.copyOf(out));
    }

    private static WindowCost cost(PriceWindow w, Rates r, Sample s, String currency) {
        BigDecimal hit = plain(Money.charge(s.cacheHitTokens(), r.cacheHit()));
        BigDecimal miss = plain(Money.charge(s.cacheMissTokens(), r.cacheMiss()));
        BigDecimal output = plain(Money.charge(s.outputTokens(), r.output()));
        BigDecimal total = plain(hit.add(miss).add(output));
        return new WindowCost(
                w,
                hit.toPlainString(),
                miss.toPlainString(),
                output.toPlainString(),
                total.toPlainString(),
                Money.round(total, currency).toPlainString());
    }

    /** Without trailing zeros but never in exponent form (0E-12 becomes 0). */
    private static BigDecimal plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
