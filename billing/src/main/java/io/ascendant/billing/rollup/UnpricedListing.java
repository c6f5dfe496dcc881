package io.ascendant.billing.rollup;

import java.io.PrintStream;
import java.time.Instant;

/**
 * The UNPRICED part of {@code billing reconcile}'s report: every group of unpriced rows (tenant, price tier, currency),
 * with how many of its rows need review, whether its tenant is served unpriced on purpose and whether a price covers
 * that tier now; then what to do.
 */
final class UnpricedListing {

    private UnpricedListing() {}

    /** Prints the listing of {@code r} (which holds unpriced rows) to {@code out}; {@code now} dates the prices. */
    static void print(Reconciler.Report r, UnpricedReview review, Instant now, PrintStream out) {
        out.printf(
                "UNPRICED: %d ledger rows were served without a price in force for the tenant's currency; they are"
                        + " charged 0 and no invoice bills them. %d of them need review (%s):%n",
                r.unpricedRows(), r.unpricedRowsToReview(), scope(review));
        for (Reconciler.UnpricedUsage u : r.unpriced()) {
            StringBuilder line = new StringBuilder();
            line.append(String.format(
                    "  tenant %s, model %s, currency %s: %d rows, finished %s .. %s; ",
                    u.tenantId(), u.priceTier(), u.currency(), u.rows(), u.firstFinished(), u.lastFinished()));
            if (u.servedUnpricedOnPurpose()) {
                line.append("served unpriced on purpose, no review");
            } else if (u.rowsToReview() == 0) {
                line.append("all before ").append(review.since()).append(", no review");
            } else {
                line.append(u.rowsToReview()).append(" to review");
            }
            if (u.priceFrom() == null) {
                line.append("; no price for this model and currency yet");
            } else if (u.priceFrom().isAfter(now)) {
                line.append("; a price starts at ").append(u.priceFrom());
            } else {
                line.append("; priced since ")
                        .append(u.priceFrom())
                        .append(" (requests started since then are rated; these rows stay at 0)");
            }
            out.println(line);
        }
        long listed =
                r.unpriced().stream().mapToLong(Reconciler.UnpricedUsage::rows).sum();
        if (listed < r.unpricedRows()) {
            out.printf("  ... and %d more rows in other groups%n", r.unpricedRows() - listed);
        }
        if (r.unpricedRowsToReview() == 0) {
            out.println("No unpriced rows need review (exit 0): they are listed for information only.");
            return;
        }
        out.println("What to do: add a list price (or a tenant override) in force for each model and currency to review"
                + " (POST /admin/api/v1/billing/price-book, or the console's price book); until one is in force the"
                + " gateway refuses these requests, unless the tenant is listed in"
                + " gateway.metering.serve-unpriced-tenants. Rows already written are not re-rated (the ledger is"
                + " append-only and prices never apply retroactively): charge that usage outside the platform from"
                + " the rows' token counts if it must be billed. Once reviewed, run with --since (e.g. the time of"
                + " this run) so that only new unpriced rows make the status 3.");
    }

    private static String scope(UnpricedReview review) {
        int n = review.servedUnpricedOnPurpose().size();
        String tenants = n == 0
                ? "no tenant served unpriced on purpose"
                : "not counting the " + (n == 1 ? "tenant" : n + " tenants") + " served unpriced on purpose";
        return (review.since() == null ? "any finish time" : "finished since " + review.since()) + ", " + tenants;
    }
}
