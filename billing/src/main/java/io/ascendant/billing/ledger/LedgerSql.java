package io.ascendant.billing.ledger;

import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.rating.Rating;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The SQL of the ledger's batch transaction. Every statement is set-based ({@code unnest} of arrays): per batch one
 * round trip for the account terms and one for the insert with both rollups, whatever the batch size.
 */
final class LedgerSql {

    private LedgerSql() {}

    /** Currency and zone of a billing account, read in the batch transaction (always current). */
    record AccountTerms(String currency, ZoneId timeZone) {}

    /** A rated event ready to insert. */
    record Row(UsageEvent event, String currency, LocalDate billingDay, Rating rating) {
        RatedUsage toRatedUsage(boolean replayed) {
            return new RatedUsage(event, rating.amount(), currency, rating.priceVersionId(), rating.window(), replayed);
        }
    }

    static Map<UUID, AccountTerms> loadAccounts(Connection c, Set<UUID> tenants) throws SQLException {
        Map<UUID, AccountTerms> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT tenant_id, currency, time_zone FROM billing_account WHERE tenant_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", tenants.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), new AccountTerms(rs.getString(2), ZoneId.of(rs.getString(3))));
                }
            }
        }
        return out;
    }

    /**
     * One statement per batch: the rows arrive as arrays ({@code unnest}), the insert skips request ids already in
     * the ledger, and both rollups add exactly the rows the insert returned, grouped per rollup key (each key is
     * upserted once per batch, in key order). Rollup hours are computed in Java ({@code hour_start}, UTC) so the
     * statement does not depend on the session's time zone.
     */
    private static final String WRITE = "WITH src AS (SELECT * FROM unnest(?::varchar[], ?::uuid[], ?::uuid[],"
            + " ?::uuid[], ?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],"
            + " ?::varchar[], ?::boolean[], ?::timestamptz[], ?::timestamptz[], ?::date[], ?::varchar[], ?::bigint[],"
            + " ?::varchar[], ?::numeric[], ?::timestamptz[]) AS s(request_id, tenant_id, project_id, key_id, model,"
            + " host_pod, cache_hit_tokens, cache_miss_tokens, output_tokens, reasoning_tokens, status,"
            + " counted_by_gateway, started_at, finished_at, billing_day, currency, price_version_id, price_window,"
            + " amount, hour_start)),"
            + " ins AS (INSERT INTO usage_ledger (request_id, tenant_id, project_id, key_id, model, host_pod,"
            + " cache_hit_tokens, cache_miss_tokens, output_tokens, reasoning_tokens, status, counted_by_gateway,"
            + " started_at, finished_at, billing_day, currency, price_version_id, price_window, amount)"
            + " SELECT request_id, tenant_id, project_id, key_id, model, host_pod, cache_hit_tokens,"
            + " cache_miss_tokens, output_tokens, reasoning_tokens, status, counted_by_gateway, started_at,"
            + " finished_at, billing_day, currency, price_version_id, price_window, amount FROM src"
            + " ON CONFLICT (request_id) DO NOTHING RETURNING request_id),"
            + " fresh AS MATERIALIZED (SELECT src.* FROM src JOIN ins USING (request_id)),"
            + rollup("h", "usage_rollup_hour", "hour_start", "hour_start") + ","
            + rollup("d", "usage_rollup_day", "day", "billing_day")
            + " SELECT request_id FROM ins";

    private static String rollup(String name, String table, String bucketColumn, String bucketSource) {
        String key = "tenant_id, " + bucketColumn + ", project_id, key_id, model, currency, price_version_id,"
                + " price_window";
        return " " + name + " AS (INSERT INTO " + table + " AS r (" + key + ", requests, cache_hit_tokens,"
                + " cache_miss_tokens, output_tokens, reasoning_tokens, amount)"
                + " SELECT tenant_id, " + bucketSource + ", project_id, key_id, model, currency,"
                + " coalesce(price_version_id, 0), price_window, count(*), sum(cache_hit_tokens)::bigint,"
                + " sum(cache_miss_tokens)::bigint, sum(output_tokens)::bigint, sum(reasoning_tokens)::bigint,"
                + " sum(amount) FROM fresh GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
                + " ON CONFLICT (" + key + ") DO UPDATE SET requests = r.requests + excluded.requests,"
                + " cache_hit_tokens = r.cache_hit_tokens + excluded.cache_hit_tokens,"
                + " cache_miss_tokens = r.cache_miss_tokens + excluded.cache_miss_tokens,"
                + " output_tokens = r.output_tokens + excluded.output_tokens,"
                + " reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,"
                + " amount = r.amount + excluded.amount)";
    }

    /**
     * Inserts the rows (distinct request ids) and adds the inserted ones to usage_rollup_hour and usage_rollup_day,
     * in one round trip; returns the request ids actually inserted (the others already existed).
     */
    static Set<String> write(Connection c, List<Row> rows) throws SQLException {
        int n = rows.size();
        String[] requestId = new String[n];
        Object[] tenant = new Object[n];
        Object[] project = new Object[n];
        Object[] key = new Object[n];
        String[] model = new String[n];
        String[] pod = new String[n];
        Long[] hit = new Long[n];
        Long[] miss = new Long[n];
        Long[] out = new Long[n];
        Long[] reasoning = new Long[n];
        String[] status = new String[n];
        Boolean[] counted = new Boolean[n];
        String[] started = new String[n];
        String[] finished = new String[n];
        String[] day = new String[n];
        String[] currency = new String[n];
        Long[] version = new Long[n];
        String[] window = new String[n];
        BigDecimal[] amount = new BigDecimal[n];
        String[] hour = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            UsageEvent e = r.event();
            requestId[i] = e.requestId();
            tenant[i] = e.tenantId();
            project[i] = e.projectId();
            key[i] = e.keyId();
            model[i] = e.model();
            pod[i] = e.hostPod();
            hit[i] = e.promptCacheHitTokens();
            miss[i] = e.promptCacheMissTokens();
            out[i] = e.completionTokens();
            reasoning[i] = e.reasoningTokens();
            status[i] = e.status().name();
            counted[i] = e.countedByGateway();
            started[i] = e.startedAt().toString();
            finished[i] = e.finishedAt().toString();
            day[i] = r.billingDay().toString();
            currency[i] = r.currency();
            version[i] = r.rating().priceVersionId();
            window[i] = r.rating().window().name();
            amount[i] = r.rating().amount();
            hour[i] = e.finishedAt().truncatedTo(ChronoUnit.HOURS).toString();
        }
        Set<String> inserted = new HashSet<>(n * 2);
        try (PreparedStatement ps = c.prepareStatement(WRITE)) {
            int p = 1;
            ps.setArray(p++, c.createArrayOf("varchar", requestId));
            ps.setArray(p++, c.createArrayOf("uuid", tenant));
            ps.setArray(p++, c.createArrayOf("uuid", project));
            ps.setArray(p++, c.createArrayOf("uuid", key));
            ps.setArray(p++, c.createArrayOf("varchar", model));
            ps.setArray(p++, c.createArrayOf("varchar", pod));
            ps.setArray(p++, c.createArrayOf("bigint", hit));
            ps.setArray(p++, c.createArrayOf("bigint", miss));
            ps.setArray(p++, c.createArrayOf("bigint", out));
            ps.setArray(p++, c.createArrayOf("bigint", reasoning));
            ps.setArray(p++, c.createArrayOf("varchar", status));
            ps.setArray(p++, c.createArrayOf("boolean", counted));
            ps.setArray(p++, c.createArrayOf("varchar", started));
            ps.setArray(p++, c.createArrayOf("varchar", finished));
            ps.setArray(p++, c.createArrayOf("varchar", day));
            ps.setArray(p++, c.createArrayOf("varchar", currency));
            ps.setArray(p++, c.createArrayOf("bigint", version));
            ps.setArray(p++, c.createArrayOf("varchar", window));
            ps.setArray(p++, c.createArrayOf("numeric", amount));
            ps.setArray(p, c.createArrayOf("varchar", hour));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /** The stored rows of these request ids, as ratings. */
    static Map<String, RatedUsage> findByRequestIds(Connection c, Collection<String> ids, boolean replayed)
            throws SQLException {
        Map<String, RatedUsage> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM usage_ledger WHERE request_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("varchar", ids.toArray(new String[0])));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RatedUsage r = map(rs, replayed);
                    out.put(r.requestId(), r);
                }
            }
        }
        return out;
    }

    static RatedUsage map(ResultSet rs, boolean replayed) throws SQLException {
        UsageEvent e = new UsageEvent(
                rs.getString("request_id"),
                rs.getObject("tenant_id", UUID.class),
                rs.getObject("project_id", UUID.class),
                rs.getObject("key_id", UUID.class),
                rs.getString("model"),
                rs.getString("host_pod"),
                rs.getLong("cache_hit_tokens"),
                rs.getLong("cache_miss_tokens"),
                rs.getLong("output_tokens"),
                rs.getLong("reasoning_tokens"),
                UsageStatus.valueOf(rs.getString("status")),
                rs.getBoolean("counted_by_gateway"),
                rs.getTimestamp("started_at").toInstant(),
                rs.getTimestamp("finished_at").toInstant());
        long v = rs.getLong("price_version_id");
        Long version = rs.wasNull() ? null : v;
        BigDecimal amount = rs.getBigDecimal("amount").stripTrailingZeros();
        if (amount.scale() < 0) {
            amount = amount.setScale(0);
        }
        return new RatedUsage(
                e,
                amount,
                rs.getString("currency").trim(),
                version,
                PriceWindow.valueOf(rs.getString("price_window")),
                replayed);
    }
}
