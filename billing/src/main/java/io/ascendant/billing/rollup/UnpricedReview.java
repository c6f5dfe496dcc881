package io.ascendant.billing.rollup;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Which UNPRICED ledger rows a reconciliation asks an operator to review (they make {@code billing reconcile} exit 3).
 * Every unpriced row is listed either way; this only decides which of them count as news.
 *
 * <p>A row needs review when it finished at or after {@code since} (null: any time) and its tenant is not one served
 * unpriced on purpose ({@code gateway.metering.serve-unpriced-tenants}). Rows once reviewed never change (the ledger is
 * append-only and rows are not re-rated), so a monitoring job passes a {@code since} that covers the time since its
 * last run, and the exit status then reports only unpriced usage it has not seen before.
 *
 * @param since rows that finished before this instant are listed but need no review; null: all rows
 * @param servedUnpricedOnPurpose tenants whose requests the gateway serves without a price on purpose (internal
 *     tenants that are never invoiced): their rows are listed but need no review
 */
public record UnpricedReview(Instant since, Set<UUID> servedUnpricedOnPurpose) {

    /** Every unpriced row needs review (the admin API's reconcile and {@code billing reconcile} without options). */
    public static final UnpricedReview ALL = new UnpricedReview(null, Set.of());

    public UnpricedReview {
        servedUnpricedOnPurpose = Set.copyOf(servedUnpricedOnPurpose);
    }
}
