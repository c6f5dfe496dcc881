package io.ascendant.billing;

import io.ascendant.billing.rating.Money;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses to start with billing settings that would silently bill wrong or lose usage: a system that bills money never
 * "repairs" its configuration. The message names every bad key with its value and the allowed range.
 */
@ApplicationScoped
@Startup
public class BillingConfigCheck {

    @Inject
    public BillingConfigCheck(BillingConfig config) {
        List<String> errors = problems(config);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("invalid billing configuration: " + String.join("; ", errors));
        }
    }

    /** Every problem of the configuration, empty when valid. */
    public static List<String> problems(BillingConfig c) {
        List<String> e = new ArrayList<>();
        try {
            Money.minorDigits(c.defaultCurrency());
        } catch (IllegalArgumentException ex) {
            e.add("billing.default-currency=" + c.defaultCurrency() + " is not an invoiceable ISO 4217 code");
        }
        BillingConfig.Ledger l = c.ledger();
        if (l.maxBatchSize() < 1 || l.maxBatchSize() > 50_000) {
            e.add("billing.ledger.max-batch-size=" + l.maxBatchSize() + " must be 1..50000");
        }
        if (l.queueCapacity() < l.maxBatchSize()) {
            e.add("billing.ledger.queue-capacity=" + l.queueCapacity() + " must be >= max-batch-size");
        }
        if (l.writers() < 1 || l.writers() > 16) {
            e.add("billing.ledger.writers=" + l.writers() + " must be 1..16");
        }
        if (l.maxAttempts() < 1) {
            e.add("billing.ledger.max-attempts=" + l.maxAttempts() + " must be >= 1");
        }
        if (l.linger().isNegative() || l.linger().compareTo(Duration.ofSeconds(1)) > 0) {
            e.add("billing.ledger.linger=" + l.linger() + " must be 0..1s");
        }
        if (l.recordTimeout().isNegative() || l.recordTimeout().isZero()) {
            e.add("billing.ledger.record-timeout=" + l.recordTimeout() + " must be positive");
        }
        if (c.priceBook().refreshInterval().isNegative()
                || c.priceBook().refreshInterval().isZero()) {
            e.add("billing.price-book.refresh-interval=" + c.priceBook().refreshInterval() + " must be positive");
        }
        BillingConfig.Invoice i = c.invoice();
        if (i.paymentTermDays() < 0 || i.paymentTermDays() > 365) {
            e.add("billing.invoice.payment-term-days=" + i.paymentTermDays() + " must be 0..365");
        }
        if (i.lateUsageLookbackMonths() < 0 || i.lateUsageLookbackMonths() > 24) {
            e.add("billing.invoice.late-usage-lookback-months=" + i.lateUsageLookbackMonths() + " must be 0..24");
        }
        for (String[] p : new String[][] {
            {"billing.invoice.number-prefix", i.numberPrefix()},
            {"billing.invoice.credit-note-prefix", i.creditNotePrefix()}
        }) {
            if (!p[1].matches("[A-Z]{1,8}")) {
                e.add(p[0] + "=" + p[1] + " must be 1..8 capital letters");
            }
        }
        if (i.numberPrefix().equals(i.creditNotePrefix())) {
            e.add("billing.invoice.number-prefix and credit-note-prefix must differ");
        }
        return e;
    }
}
