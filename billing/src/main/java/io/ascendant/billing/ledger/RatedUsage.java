package io.ascendant.billing.ledger;

import io.ascendant.billing.pricebook.PriceWindow;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * The result of {@link UsageLedger#record(UsageEvent)}: the durable ledger row's rating.
 *
 * <p>{@code amount} is the exact, <em>unrounded</em> charge for this one request in {@code currency}
 * (Σ tokens × price-per-million / 1,000,000, scale up to 16). Invoices never round per request: they sum tokens per
 * line and round once (see {@code io.ascendant.billing.rating.Money}). For a replayed request id {@code event} is the
 * event as originally stored, and {@code replayed} is true.
 *
 * @param event the usage as stored in the ledger
 * @param amount exact unrounded charge, ≥ 0
 * @param currency ISO 4217 code of the tenant's billing account, e.g. {@code USD}
 * @param priceVersionId id of the price-book version used, or {@code null} when {@code window} is UNPRICED
 * @param window the price window (peak / off-peak / standard)
 * @param replayed true when the request id was already in the ledger and this is the original rating
 */
public record RatedUsage(
        UsageEvent event,
        BigDecimal amount,
        String currency,
        Long priceVersionId,
        PriceWindow window,
        boolean replayed) {

    public RatedUsage {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(window, "window");
    }

    /** The request id (the ledger's key). */
    public String requestId() {
        return event.requestId();
    }
}
