package io.ascendant.billing.rollup;

import io.ascendant.billing.ledger.CountedRequests;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Proves the rollups equal the ledger: recomputes every hourly and daily bucket from the {@code usage_ledger} rows that
 * count as requests ({@link CountedRequests}) and
 * compares it column by column (requests, the four token counts, the exact amount) with {@code usage_rollup_hour}
 * and {@code usage_rollup_day}, in both directions (a bucket missing on either side is a mismatch). Also counts
 * UNPRICED ledger rows (served usage no price-book version covered, charged 0 and never invoiced), says how many of
 * them need review ({@link UnpricedReview}), and groups them by tenant, price tier and currency, each group with the
 * start of the first price that now covers it, if any. Read-only; runs in one REPEATABLE READ
 * transaction so concurrent ledger writes (which update ledger and rollups atomically) cannot produce a false
 * mismatch.
 */
public final class Reconciler {

    private Reconciler() {}

    /**
     * Outcome of a reconciliation.
     *
     * @param ledgerRows rows in the ledger
     * @param hourBuckets hourly buckets compared
     * @param dayBuckets daily buckets compared
     * @param hourMismatches hourly buckets that differ
     * @param dayMismatches daily buckets that differ
     * @param unpricedRows ledger rows without a price version
     * @param unpricedRowsToReview those of them that need review (see {@link UnpricedReview}); what {@code billing
     *     reconcile} exits 3 for
     * @param samples up to 10 descriptions of differing buckets
     * @param unpriced the unpriced rows grouped by tenant, price tier and currency, most rows to review first, then the
     *     latest (at most {@value #MAX_UNPRICED_GROUPS} groups)
     */
    public record Report(
            long ledgerRows,
            long hourBuckets,
            long dayBuckets,
            long hourMismatches,
            long dayMismatches,
            long unpricedRows,
            long unpricedRowsToReview,
            List<String> samples,
            List<UnpricedUsage> unpriced) {

        /** True when both rollups equal the ledger exactly. */
        public boolean consistent() {
            return hourMismatches == 0 && dayMismatches == 0;
        }
    }

    /**
     * Served usage that no price version covered, for one tenant, price tier and currency: it was charged 0 and no
     * invoice bills it.
     *
     * @param tenantId the tenant
     * @param priceTier the price book model name the ledger looked for (the row's model for rows written before the
     *     tier was stored)
     * @param currency the tenant's billing currency
     * @param rows ledger rows
     * @param rowsToReview those of them that need review (see {@link UnpricedReview})
     * @param firstFinished earliest finish time among them
     * @param lastFinished latest finish time among them
     * @param servedUnpricedOnPurpose the tenant is served without a price on purpose, so none of its rows need review
     * @param priceFrom when the first price-book version for this tier and currency (a list price or the tenant's own)
     *     starts or started, null when there is none: requests started since then are rated, these rows stay at 0
     */
    public record UnpricedUsage(
            UUID tenantId,
            String priceTier,
            String currency,
            long rows,
            long rowsToReview,
            Instant firstFinished,
            Instant lastFinished,
            boolean servedUnpricedOnPurpose,
            Instant priceFrom) {}

    /** At most this many unpriced groups are listed in a report. */
    public static final int MAX_UNPRICED_GROUPS = 20;

    private static final String KEYS = "tenant_id, project_id, key_id, model, currency, price_version_id, price_window";

    /** Reconciles everything (all tenants, all time); every unpriced row needs review. */
    public static Report run(Connection c) throws SQLException {
        return run(c, UnpricedReview.ALL);
    }

    /** Reconciles everything (all tenants, all time); {@code review} says which unpriced rows need review. */
    public static Report run(Connection c, UnpricedReview review) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (var st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
            }
            long rows = scalar(c, "SELECT count(*) FROM usage_ledger");
            long unpriced = scalar(c, "SELECT count(*) FROM usage_ledger WHERE price_window = 'UNPRICED'");
            long toReview = unpriced == 0 ? 0 : toReview(c, review);
            List<String> samples = new ArrayList<>();
            long[] hour = compare(
                    c,
                    "usage_rollup_hour",
                    "hour_start",
                    "date_trunc('hour', finished_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
                    samples);
            long[] day = compare(c, "usage_rollup_day", "day", "billing_day", samples);
            List<UnpricedUsage> groups = unpriced == 0 ? List.of() : unpricedGroups(c, review);
            c.commit();
            return new Report(rows, hour[0], day[0], hour[1], day[1], unpriced, toReview, List.copyOf(samples), groups);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static long[] compare(Connection c, String table, String bucket, String ledgerBucket, List<String> samples)
            throws SQLException {
        String sql = "WITH l AS (SELECT tenant_id, " + ledgerBucket + " AS bucket, project_id, key_id, model,"
                + " currency, coalesce(price_version_id, 0) AS price_version_id, price_window, count(*) AS requests,"
                + " sum(cache_hit_tokens) AS hit, sum(cache_miss_tokens) AS miss, sum(output_tokens) AS out,"
                + " sum(reasoning_tokens) AS reasoning, sum(amount) AS amount FROM usage_ledger"
                + " WHERE " + CountedRequests.SQL + " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8),"
                + " r AS (SELECT tenant_id, " + bucket + " AS bucket, project_id, key_id, model, currency,"
                + " price_version_id, price_window, requests, cache_hit_tokens AS hit, cache_miss_tokens AS miss,"
                + " output_tokens AS out, reasoning_tokens AS reasoning, amount FROM " + table + "),"
                + " j AS (SELECT coalesce(l.tenant_id, r.tenant_id) AS tenant_id, coalesce(l.bucket, r.bucket) AS"
                + " bucket, coalesce(l.model, r.model) AS model, l.requests AS lr, r.requests AS rr,"
                + " (l.requests IS DISTINCT FROM r.requests OR l.hit IS DISTINCT FROM r.hit"
                + " OR l.miss IS DISTINCT FROM r.miss OR l.out IS DISTINCT FROM r.out"
                + " OR l.reasoning IS DISTINCT FROM r.reasoning OR l.amount IS DISTINCT FROM r.amount) AS differs"
                + " FROM l FULL JOIN r USING (" + KEYS + ", bucket))"
                + " SELECT count(*), count(*) FILTER (WHERE differs),"
                + " (array_agg(tenant_id || ' ' || bucket || ' ' || model || ' ledger requests='"
                + " || coalesce(lr::text, 'none') || ' rollup requests=' || coalesce(rr::text, 'none'))"
                + " FILTER (WHERE differs))[1:5] FROM j";
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            java.sql.Array a = rs.getArray(3);
            if (a != null) {
                for (Object o : (Object[]) a.getArray()) {
                    samples.add(table + ": " + o);
                }
            }
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static long toReview(Connection c, UnpricedReview review) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM usage_ledger" + " WHERE price_window = 'UNPRICED' AND " + NEEDS_REVIEW)) {
            bindReview(c, ps, 1, review);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A ledger row that needs review; binds the since instant (twice) and the tenants served unpriced on purpose. */
    private static final String NEEDS_REVIEW =
            "(?::timestamptz IS NULL OR finished_at >= ?::timestamptz) AND tenant_id <> ALL (?::uuid[])";

    private static void bindReview(Connection c, PreparedStatement ps, int first, UnpricedReview review)
            throws SQLException {
        OffsetDateTime since = review.since() == null ? null : review.since().atOffset(ZoneOffset.UTC);
        ps.setObject(first, since, Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setObject(first + 1, since, Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setArray(
                first + 2,
                c.createArrayOf("uuid", review.servedUnpricedOnPurpose().toArray()));
    }

    private static List<UnpricedUsage> unpricedGroups(Connection c, UnpricedReview review) throws SQLException {
        // A database one release behind (before V037 stored the tier) is reconciled too, e.g. before `migrate` runs:
        // its rows were priced by their model name.
        String tier = hasColumn(c, "usage_ledger", "price_tier") ? "coalesce(price_tier, model)" : "model";
        String sql = "WITH g AS (SELECT tenant_id, " + tier + " AS tier, currency, count(*) AS rows,"
                + " count(*) FILTER (WHERE " + NEEDS_REVIEW + ") AS review, min(finished_at) AS first,"
                + " max(finished_at) AS last FROM usage_ledger WHERE price_window = 'UNPRICED' GROUP BY 1, 2, 3)"
                + " SELECT tenant_id, tier, currency, rows, review, first, last,"
                + " (SELECT min(p.effective_from) FROM price_book_version p WHERE p.model = g.tier"
                + " AND p.currency = g.currency AND (p.tenant_id IS NULL OR p.tenant_id = g.tenant_id))"
                + " FROM g ORDER BY review DESC, last DESC, rows DESC, 1, 2, 3 LIMIT " + MAX_UNPRICED_GROUPS;
        List<UnpricedUsage> groups = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindReview(c, ps, 1, review);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID tenant = rs.getObject(1, UUID.class);
                    OffsetDateTime priceFrom = rs.getObject(8, OffsetDateTime.class);
                    groups.add(new UnpricedUsage(
                            tenant,
                            rs.getString(2),
                            rs.getString(3).trim(),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getObject(6, OffsetDateTime.class).toInstant(),
                            rs.getObject(7, OffsetDateTime.class).toInstant(),
                            review.servedUnpricedOnPurpose().contains(tenant),
                            priceFrom == null ? null : priceFrom.toInstant()));
                }
            }
        }
        return List.copyOf(groups);
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, column)) {
            return rs.next();
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
