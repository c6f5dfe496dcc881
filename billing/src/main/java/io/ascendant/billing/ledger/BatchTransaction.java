package io.ascendant.billing.ledger;

import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.rating.Rater;
import io.ascendant.billing.rating.Rating;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The work of one batch inside its transaction, for one {@link WriterLane}: rate the events with the lane's cached
 * account terms, write them with {@link LedgerSql#write} (which proves the terms current; stale terms are re-read and
 * the batch rated again), read back the original rows of replays, call every {@link LedgerTransactionParticipant} and
 * commit. Rolling back and the connection's lifecycle are the lane's.
 *
 * <p>Threading: one instance per lane, used by the lane's thread only (the terms cache is not synchronised); the
 * {@link Timings} are shared by all lanes.
 */
final class BatchTransaction {

    /** The writer's logger, so log configuration for {@code GroupCommitWriter} keeps covering these messages. */
    private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class);

    private final Supplier<PriceBook> priceBook;
    private final Supplier<List<LedgerTransactionParticipant>> participants;
    private final String defaultCurrency;
    private final Timings timings;
    /** Account terms per tenant as last read or proven current; touched by the lane thread only. */
    private final Map<UUID, LedgerSql.AccountTerms> terms = new HashMap<>();

    BatchTransaction(
            Supplier<PriceBook> priceBook,
            Supplier<List<LedgerTransactionParticipant>> participants,
            String defaultCurrency,
            Timings timings) {
        this.priceBook = priceBook;
        this.participants = participants;
        this.defaultCurrency = defaultCurrency;
        this.timings = timings;
    }

    /**
     * Writes {@code unique} (events with distinct request ids) on {@code c} and commits. On an exception nothing is
     * committed and the caller rolls back.
     *
     * @return the rating per request id (the original rows for replays)
     */
    Map<String, RatedUsage> commit(Connection c, Collection<UsageEvent> unique) throws SQLException {
        long t0 = System.nanoTime();
        Set<UUID> tenants = tenantsOf(unique);
        PriceBook book = priceBook.get();
        List<LedgerSql.Row> rows;
        LedgerSql.WriteResult written;
        long t1;
        int refreshes = 0;
        while (true) {
            Map<UUID, LedgerSql.AccountTerms> used = termsOf(c, tenants);
            rows = new ArrayList<>(unique.size());
            for (UsageEvent e : unique) {
                rows.add(rate(book, used.get(e.tenantId()), e));
            }
            t1 = System.nanoTime();
            written = LedgerSql.write(c, rows, used);
            if (written.staleTenants().isEmpty()) {
                break;
            }
            // An account changed since its terms were cached: nothing was written; rate again.
            terms.keySet().removeAll(written.staleTenants());
            if (++refreshes > 3) {
                throw new SQLException("billing account terms kept changing during the batch", "40001");
            }
        }
        Set<String> inserted = written.inserted();
        long t2 = System.nanoTime();
        Map<String, RatedUsage> results = new LinkedHashMap<>();
        List<RatedUsage> fresh = new ArrayList<>(inserted.size());
        List<String> replayed = new ArrayList<>();
        for (LedgerSql.Row r : rows) {
            if (inserted.contains(r.event().requestId())) {
                RatedUsage rated = r.toRatedUsage(false);
                fresh.add(rated);
                results.put(r.event().requestId(), rated);
            } else {
                replayed.add(r.event().requestId());
            }
        }
        if (!replayed.isEmpty()) {
            results.putAll(LedgerSql.findByRequestIds(c, replayed, true));
        }
        if (!fresh.isEmpty()) {
            List<RatedUsage> view = Collections.unmodifiableList(fresh);
            for (LedgerTransactionParticipant p : participants.get()) {
                p.onRowsCommitting(c, view);
            }
        }
        long t3 = System.nanoTime();
        c.commit();
        long t4 = System.nanoTime();
        timings.add(t1 - t0, t2 - t1, t3 - t2, t4 - t3, rows.size());
        return results;
    }

    /**
     * The account terms of {@code tenants}: cached per lane (tenants always come to the same lane), read in the
     * batch transaction when not cached. The write statement proves them current, so a changed account is never
     * rated with old terms.
     */
    private Map<UUID, LedgerSql.AccountTerms> termsOf(Connection c, Set<UUID> tenants) throws SQLException {
        Set<UUID> missing = new HashSet<>();
        for (UUID t : tenants) {
            if (!terms.containsKey(t)) {
                missing.add(t);
            }
        }
        if (!missing.isEmpty()) {
            terms.putAll(LedgerSql.loadAccounts(c, missing));
        }
        Map<UUID, LedgerSql.AccountTerms> used = new HashMap<>(tenants.size() * 2);
        for (UUID t : tenants) {
            used.put(t, terms.get(t));
        }
        return used;
    }

    /**
     * Rates one event by its price tier in the account's currency (the writer's default currency and UTC for a tenant
     * without an account); an event with no price is kept UNPRICED and logged.
     */
    LedgerSql.Row rate(PriceBook book, LedgerSql.AccountTerms account, UsageEvent e) {
        boolean exists = account != null && account.exists();
        String currency = exists ? account.currency() : defaultCurrency;
        ZoneId zone = exists ? account.timeZone() : ZoneOffset.UTC;
        if (!exists) {
            LOG.warnf(
                    "usage ledger: tenant %s has no billing account; request %s rated in %s, billing day in UTC",
                    e.tenantId(), e.requestId(), currency);
        }
        // The version in force at the start, the window at the finish: the quota module prices a request's budget
        // hold with that same version (and the same price tier), so a price change mid-request never makes settle
        // exceed the hold. Rated by the tier, not the public name: a route may be priced as another model.
        Rating rating = Rater.rate(
                book,
                e.tenantId(),
                e.priceTier(),
                currency,
                e.startedAt(),
                e.finishedAt(),
                e.promptCacheHitTokens(),
                e.promptCacheMissTokens(),
                e.completionTokens());
        if (rating.priceVersionId() == null) {
            LOG.errorf(
                    "usage ledger: no price for model %s (price tier %s) in %s at %s (tenant %s, request %s); recorded"
                            + " UNPRICED",
                    e.model(), e.priceTier(), currency, e.startedAt(), e.tenantId(), e.requestId());
        }
        LocalDate day = e.finishedAt().atZone(zone).toLocalDate();
        return new LedgerSql.Row(e, currency, day, rating);
    }

    private static Set<UUID> tenantsOf(Collection<UsageEvent> events) {
        Set<UUID> s = new HashSet<>();
        for (UsageEvent e : events) {
            s.add(e.tenantId());
        }
        return s;
    }

    /**
     * Committed batches, rows and nanoseconds per phase since start, summed over all lanes: reading account terms
     * and rating, writing (insert and rollups in one statement), reading replays and running participants, and
     * committing.
     */
    static final class Timings {
        private final LongAdder[] phaseNanos = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
        private final LongAdder batches = new LongAdder();
        private final LongAdder rowsWritten = new LongAdder();

        void add(long rateNanos, long writeNanos, long replaysNanos, long commitNanos, int rows) {
            phaseNanos[0].add(rateNanos);
            phaseNanos[1].add(writeNanos);
            phaseNanos[2].add(replaysNanos);
            phaseNanos[3].add(commitNanos);
            batches.increment();
            rowsWritten.add(rows);
        }

        /** The figures as {@link GroupCommitWriter#stats()} prints them (milliseconds per phase). */
        String describe() {
            long b = Math.max(1, batches.sum());
            return String.format(
                    "batches=%d rows=%d avgBatch=%.1f ms: accounts+rate=%d write=%d replays+participants=%d commit=%d",
                    batches.sum(),
                    rowsWritten.sum(),
                    rowsWritten.sum() / (double) b,
                    phaseNanos[0].sum() / 1_000_000,
                    phaseNanos[1].sum() / 1_000_000,
                    phaseNanos[2].sum() / 1_000_000,
                    phaseNanos[3].sum() / 1_000_000);
        }
    }
}
