package io.ascendant.gateway.quota.budget;

import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.Rates;
import io.ascendant.gateway.quota.NonBlockingAdmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The money a request can cost at most, from billing's price book: prompt tokens at the cache-miss price (or the
 * cache-hit price if a version ever made hits dearer) plus the output cap at the output price, each the higher of
 * the peak and off-peak rate (the request may finish in either window). The version is the one in force when the
 * request started, the one the usage ledger rates it with. Prices are per million tokens; the result is exact
 * (unrounded), in the price version's currency.
 */
@ApplicationScoped
public class WorstCasePricer {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    @Inject
    PriceBookService priceBook;

    /**
     * A request's worst case and the output price it was rated with.
     *
     * @param cost prompt at the cache-miss price plus the output cap at the output price, exact, in the version's
     *     currency
     * @param outputPerMillion the output price per million tokens that {@code cost} used (the higher of peak and
     *     off-peak), so the largest output cap that fits an amount can be told
     */
    public record WorstCase(BigDecimal cost, BigDecimal outputPerMillion) {}

    /**
     * The worst case, or empty when no price version applies to (tenant, price tier, currency) at {@code at}.
     *
     * @param priceTier the price book's model name the ledger rates the request with (the route's price tier, which
     *     may differ from the public model name the tenant sent)
     * @param at when the request started (the ledger rates it with the version in force then)
     * @param promptTokens exact prompt tokens
     * @param maxOutputTokens the request's output cap
     */
    public Optional<WorstCase> worstCase(
            UUID tenantId, String priceTier, String currency, long promptTokens, long maxOutputTokens, Instant at) {
        PriceBook book = NonBlockingAdmission.active()
                ? priceBook.currentIfFresh().orElseThrow(() -> new NonBlockingAdmission.WouldBlock("price book stale"))
                : priceBook.current();
        return book.find(tenantId, priceTier, currency, at)
                .map(v -> new WorstCase(cost(v, promptTokens, maxOutputTokens), outputPrice(v)));
    }

    /** The worst case under one version. */
    public static BigDecimal cost(PriceVersion v, long promptTokens, long maxOutputTokens) {
        Rates base = v.base();
        BigDecimal miss = base.cacheMiss().max(base.cacheHit());
        if (v.peakRates() != null) {
            miss = miss.max(v.peakRates().cacheMiss()).max(v.peakRates().cacheHit());
        }
        return miss.multiply(BigDecimal.valueOf(promptTokens))
                .add(outputPrice(v).multiply(BigDecimal.valueOf(maxOutputTokens)))
                .divide(MILLION);
    }

    /** The output price per million tokens of the worst case under one version: the higher of peak and off-peak. */
    public static BigDecimal outputPrice(PriceVersion v) {
        BigDecimal out = v.base().output();
        return v.peakRates() == null ? out : out.max(v.peakRates().output());
    }
}
