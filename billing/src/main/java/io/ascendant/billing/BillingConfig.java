package io.ascendant.billing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of the billing module, root {@code billing.*}. Every item has a documented default. */
@ConfigMapping(prefix = "billing")
public interface BillingConfig {

    /**
     * Currency used to rate usage of a tenant that has no billing account yet (the row is still recorded, never
     * dropped). Default {@code USD}.
     */
    @WithDefault("USD")
    String defaultCurrency();

    /** Usage ledger (group-commit writer). */
    Ledger ledger();

    /** Price book cache. */
    PriceBook priceBook();

    /** Invoicing. */
    Invoice invoice();

    interface Ledger {
        /** Largest number of usage rows written in one transaction. Default 2000. */
        @WithDefault("2000")
        int maxBatchSize();

        /** Capacity of each writer lane's in-memory queue; callers block when theirs is full. Default 100000. */
        @WithDefault("100000")
        int queueCapacity();

        /**
         * Commit each batch with {@code synchronous_commit = on} (the WAL is flushed before callers return), whatever
         * the server default. Default true; turning it off trades crash durability of the database for throughput.
         */
        @WithDefault("true")
        boolean synchronousCommit();

        /** How long {@code UsageLedger.record} waits for its batch to commit before failing. Default 30s. */
        @WithDefault("30s")
        Duration recordTimeout();

        /**
         * Writer lanes, each a thread with its own queue and its own long-lived connection. Events are routed by
         * tenant, so two lanes never update the same rollup or quota rows and one lane's commit (fsync) overlaps the
         * next batch of another. Default 2.
         */
        @WithDefault("2")
        int writers();

        /** Attempts per batch on transient database errors (deadlock, lost connection) before failing it. Default 5. */
        @WithDefault("5")
        int maxAttempts();

        /**
         * How long a writer lane waits, once the first row of a batch is queued, for more rows to join the batch
         * before writing it (0 writes at once). Callers are not kept waiting on it in the gateway: the usage journal
         * holds each record before its answer ends. Under light, steady traffic it turns one transaction (and one
         * wake-up of the writer and of PostgreSQL) per request into one per interval; under heavy traffic batches
         * fill up anyway. Default 5ms; at most 1s.
         */
        @WithDefault("5ms")
        Duration linger();
    }

    interface PriceBook {
        /**
         * How often the in-memory price book is reloaded to see versions added by other instances. New versions
         * must start at least twice this far in the future. Default 30s.
         */
        @WithDefault("30s")
        Duration refreshInterval();
    }

    interface Invoice {
        /** Issuer name printed on invoices. Default {@code Ascendant}. */
        @WithDefault("Ascendant")
        String issuerName();

        /** Issuer postal address, lines separated by {@code |}. Default a placeholder to configure. */
        @WithDefault("Configure billing.invoice.issuer-address")
        String issuerAddress();

        /** Issuer tax / VAT id printed on invoices. Default empty (not printed). */
        @WithDefault("none")
        String issuerTaxId();

        /** Payment term: due date = issue date + this many days. Default 30. */
        @WithDefault("30")
        int paymentTermDays();

        /** Prefix of invoice numbers, e.g. INV-2026-000123. Default {@code INV}. */
        @WithDefault("INV")
        String numberPrefix();

        /** Prefix of credit-note numbers. Default {@code CN}. */
        @WithDefault("CN")
        String creditNotePrefix();

        /** How many earlier months drafting looks back for usage that arrived after finalisation. Default 3. */
        @WithDefault("3")
        int lateUsageLookbackMonths();

        /** Cron of the drafting job (Quartz syntax, UTC). Default every hour at minute 15. */
        @WithDefault("0 15 * * * ?")
        String draftCron();
    }
}
