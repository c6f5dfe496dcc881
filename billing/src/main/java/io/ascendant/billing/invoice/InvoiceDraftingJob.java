package io.ascendant.billing.invoice;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Drafts each tenant's invoice once its month has closed in its time zone (cron {@code billing.invoice.draft-cron},
 * hourly by default, so every zone is reached soon after its midnight). Idempotent: tenants that already have an
 * invoice for the closed month are skipped. Admins finalise the drafts. Only one instance of the job runs at a time
 * per JVM; across instances the per-tenant account lock and the one-live-invoice-per-period index keep it safe.
 */
@ApplicationScoped
public class InvoiceDraftingJob {

    private final InvoiceService invoices;

    @Inject
    public InvoiceDraftingJob(InvoiceService invoices) {
        this.invoices = invoices;
    }

    @Scheduled(
            identity = "billing-draft-invoices",
            cron = "${billing.invoice.draft-cron:0 15 * * * ?}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void draftClosedPeriods() {
        try {
            int n = invoices.draftClosedPeriods();
            if (n > 0) {
                Log.infof("drafted %d invoices for closed periods", n);
            }
        } catch (RuntimeException e) {
            Log.errorf(e, "drafting invoices for closed periods failed; retried at the next run");
        }
    }
}
