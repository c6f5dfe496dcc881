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
import java.util.ArrayList;
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

    /**
     * Currency and zone of a billing account as the writer rated with them; {@link #NONE} for a tenant without an
     * account. A lane caches them; {@link #write} proves them current in the batch's own statement.
     *
     * @param currency the account's currency, null for {@link #NONE}
     * @param timeZone the account's zone, null for {@link #NONE}
     * @param storedZone the zone exactly as stored (compared in SQL), null for {@link #NONE}
     */
    record AccountTerms(String currency, ZoneId timeZone, String storedZone) {
        /** No billing account. */
        static final AccountTerms NONE = new AccountTerms(null, null, null);

        boolean exists() {
            return currency != null;
        }
    }

    /**
     * What {@link #write} did.
     *
     * @param inserted request ids inserted (the others already existed)
     * @param staleTenants tenants whose account terms changed since they were cached; when not empty nothing was
     *     written and the batch must be rated again with fresh terms
     */
    record WriteResult(Set<String> inserted, Set<UUID> staleTenants) {}

    /** A rated event ready to insert. */
    record Row(UsageEvent event, String currency, LocalDate billingDay, Rating rating) {
        RatedUsage toRatedUsage(boolean replayed) {
            return new RatedUsage(event, rating.amount(), currency, rating.priceVersionId(), rating.window(), replayed);
        }
    }

    /** The current terms of these tenants ({@link AccountTerms#NONE} for those without an account). */
    static Map<UUID, AccountTerms> loadAccounts(Connection c, Set<UUID> tenants) throws SQLException {
        Map<UUID, AccountTerms> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT tenant_id, currency, time_zone FROM billing_account WHERE tenant_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", tenants.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String zone = rs.getString(3);
                    out.put(rs.getObject(1, UUID.class), new AccountTerms(rs.getString(2), ZoneId.of(zone), zone));
                }
            }
        }
        for (UUID t : tenants) {
            out.putIfAbsent(t, AccountTerms.NONE);
        }
        return out;
    }

    /**
     * One statement per batch: first it checks that the account terms the rows were rated with are still those of
     * {@code billing_account} (stale tenants are returned and then nothing is written), the rows arrive as arrays
     * ({@code unnest}), the insert skips request ids already in the ledger, and both rollups add exactly the rows the
     * insert returned, grouped per rollup key (each key is upserted once per batch, in key order). Rollup hours are
     * computed in Java ({@code hour_start}, UTC) so the statement does not depend on the session's time zone.
     */
    private static final String WRITE = "WITH terms AS (SELECT * FROM unnest(?::uuid[], ?::varchar[], ?::varchar[])"
            + " AS t(tenant_id, currency, time_zone)),"
            + " stale AS MATERIALIZED (SELECT t.tenant_id FROM terms t LEFT JOIN billing_account a"
            + " ON a.tenant_id = t.tenant_id WHERE a.currency::varchar IS DISTINCT FROM t.currency"
            + " OR a.time_zone IS DISTINCT FROM t.time_zone),"
            + " src AS (SELECT * FROM unnest(?::varchar[], ?::uuid[], ?::uuid[],"
            + " ?::uuid[], ?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],"
            + " ?::varchar[], ?::boolean[], ?::timestamptz[], ?::timestamptz[], ?::date[], ?::varchar[], ?::bigint[],"
            + " ?::varchar[], ?::numeric[], ?::timestamptz[], ?::varchar[], ?::varchar[]) AS s(request_id, tenant_id, project_id, key_id,"
            + " model, host_pod, cache_hit_tokens, cache_miss_tokens, output_tokens, reasoning_tokens, status,"
            + " counted_by_gateway, started_at, finished_at, billing_day, currency, price_version_id, price_window,"
            + " amount, hour_start, price_tier, client_request_id)),"
            + " ins AS (INSERT INTO usage_ledger (request_id, tenant_id, project_id, key_id, model, price_tier,"
            + " host_pod, cache_hit_tokens, cache_miss_tokens, output_tokens, reasoning_tokens, status,"
            + " counted_by_gateway, started_at, finished_at, billing_day, currency, price_version_id, price_window,"
            + " amount, client_request_id)"
            + " SELECT request_id, tenant_id, project_id, key_id, model, price_tier, host_pod, cache_hit_tokens,"
            + " cache_miss_tokens, output_tokens, reasoning_tokens, status, counted_by_gateway, started_at,"
            + " finished_at, billing_day, currency, price_version_id, price_window, amount, client_request_id FROM src"
            + " WHERE NOT EXISTS (SELECT 1 FROM stale)"
            + " ON CONFLICT (request_id) DO NOTHING RETURNING request_id),"
            + " fresh AS MATERIALIZED (SELECT src.* FROM src JOIN ins USING (request_id)),"
            + rollup("h", "usage_rollup_hour", "hour_start", "hour_start") + ","
            + rollup("d", "usage_rollup_day", "day", "billing_day")
            + " SELECT request_id, NULL::uuid FROM ins UNION ALL SELECT NULL, tenant_id FROM stale";

    private static String rollup(String name, String table, String bucketColumn, String bucketSource) {
        String key = "tenant_id, " + bucketColumn + ", project_id, key_id, model, currency, price_version_id,"
                + " price_window";
        return " " + name + " AS (INSERT INTO " + table + " AS r (" + key + ", requests, cache_hit_tokens,"
                + " cache_miss_tokens, output_tokens, reasoning_tokens, amount)"
                + " SELECT tenant_id, " + bucketSource + ", project_id, key_id, model, currency,"
                + " coalesce(price_version_id, 0), price_window, count(*), sum(cache_hit_tokens)::bigint,"
                + " sum(cache_miss_tokens)::bigint, sum(output_tokens)::bigint, sum(reasoning_tokens)::bigint,"
                + " sum(amount) FROM fresh WHERE " + CountedRequests.SQL
                + " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
                + " ON CONFLICT (" + key + ") DO UPDATE SET requests = r.requests + excluded.requests,"
                + " cache_hit_tokens = r.cache_hit_tokens + excluded.cache_hit_tokens,"
                + " cache_miss_tokens = r.cache_miss_tokens + excluded.cache_miss_tokens,"
                + " output_tokens = r.output_tokens + excluded.output_tokens,"
                + " reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,"
                + " amount = r.amount + excluded.amount)";
    }

    /**
     * Inserts the rows (distinct request ids) and adds the inserted ones to usage_rollup_hour and usage_rollup_day,
     * in one round trip, provided the account terms the rows were rated with ({@code terms}, one per tenant of the
     * rows) are current; otherwise writes nothing and names the stale tenants.
     */
    static WriteResult write(Connection c, List<Row> rows, Map<UUID, AccountTerms> terms) throws SQLException {
        int t = 0;
        Object[] termTenant = new Object[terms.size()];
        String[] termCurrency = new String[terms.size()];
        String[] termZone = new String[terms.size()];
        for (Map.Entry<UUID, AccountTerms> en : terms.entrySet()) {
            termTenant[t] = en.getKey();
            termCurrency[t] = en.getValue().currency();
            termZone[t] = en.getValue().storedZone();
            t++;
        }
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
        String[] tier = new String[n];
        String[] clientId = new String[n];
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
            tier[i] = e.priceTier();
            clientId[i] = e.clientRequestId();
        }
        Set<String> inserted = new HashSet<>(n * 2);
        Set<UUID> stale = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(WRITE)) {
            int p = 1;
            ps.setArray(p++, c.createArrayOf("uuid", termTenant));
            ps.setArray(p++, c.createArrayOf("varchar", termCurrency));
            ps.setArray(p++, c.createArrayOf("varchar", termZone));
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
            ps.setArray(p++, c.createArrayOf("varchar", hour));
            ps.setArray(p++, c.createArrayOf("varchar", tier));
            ps.setArray(p, c.createArrayOf("varchar", clientId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (id != null) {
                        inserted.add(id);
                    } else {
                        stale.add(rs.getObject(2, UUID.class));
                    }
                }
            }
        }
        return new WriteResult(inserted, stale);
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

    /** A tenant's rows whose gateway id or client id is {@code id}, oldest first. */
    static List<RatedUsage> findByEitherId(Connection c, UUID tenantId, String id) throws SQLException {
        List<RatedUsage> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM usage_ledger WHERE tenant_id = ?"
                + " AND (request_id = ? OR client_request_id = ?) ORDER BY started_at, request_id")) {
            ps.setObject(1, tenantId);
            ps.setString(2, id);
            ps.setString(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs, false));
                }
            }
        }
        return out;
    }

    /**
     * Rows of any tenant whose gateway id or client id is {@code id}, oldest first. The gateway id is the primary key;
     * {@code client_request_id} has no index (V038), so the client-id half reads the whole ledger: for platform
     * admins only, who can narrow it to a tenant with {@link #findByEitherId}.
     */
    static List<RatedUsage> findByEitherIdInAnyTenant(Connection c, String id) throws SQLException {
        List<RatedUsage> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM usage_ledger"
                + " WHERE request_id = ? OR client_request_id = ? ORDER BY started_at, request_id")) {
            ps.setString(1, id);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs, false));
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
                rs.getString("price_tier"), // null in rows written before V037: the tier was the model
                rs.getString("host_pod"),
                rs.getLong("cache_hit_tokens"),
                rs.getLong("cache_miss_tokens"),
                rs.getLong("output_tokens"),
                rs.getLong("reasoning_tokens"),
                UsageStatus.valueOf(rs.getString("status")),
                rs.getBoolean("counted_by_gateway"),
                rs.getTimestamp("started_at").toInstant(),
                rs.getTimestamp("finished_at").toInstant(),
                rs.getString("client_request_id")); // null when the client sent none, and in rows before V038
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
