package io.ascendant.gateway.quota.lease;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Settles holds on a caller's connection, inside the caller's transaction (the usage ledger's batch): three
 * set-based statements per batch, whatever its size.
 *
 * <ol>
 *   <li>lock the touched accounts in ascending id order (the lock order of {@link AccountStore});
 *   <li>insert one {@code quota_settlement} row per (request, account); a pair already settled conflicts and is
 *       skipped, and only the inserted rows move money: the lease shrinks by the hold, the account's
 *       {@code reserved} by the hold (only if the lease still existed; a swept lease was already given back) and its
 *       {@code committed} grows by the actual usage;
 *   <li>record soft-threshold events for accounts whose committed usage crossed a threshold, and move such an
 *       account's {@code EXHAUSTED} event (a refusal recorded while this usage was still held) behind them, so the
 *       event listing reads thresholds first, then exhausted. Settlement never inserts an {@code EXHAUSTED} event
 *       itself: its insert racing a refusal's (both {@code ON CONFLICT DO NOTHING} on the one-per-account index)
 *       deadlocked under load ({@code BudgetStormTest}); the budgets view derives "used up" from settled usage.
 * </ol>
 */
public final class SettlementSql {

    private static final String LOCK = "SELECT id FROM quota_account WHERE id = ANY(?) ORDER BY id FOR UPDATE";

    private static final String SETTLE = """
            WITH s AS (
                SELECT * FROM unnest(?::varchar[], ?::bigint[], ?::uuid[], ?::numeric[], ?::numeric[])
                    AS t(request_id, account_id, replica_id, held, actual)
            ), ins AS (
                INSERT INTO quota_settlement (request_id, account_id, replica_id, held, actual)
                SELECT request_id, account_id, replica_id, held, actual FROM s
                ON CONFLICT (request_id, account_id) DO NOTHING
                RETURNING account_id, replica_id, held, actual
            ), leased AS (
                UPDATE quota_lease l SET amount = l.amount - x.held, updated_at = now()
                FROM (SELECT account_id, replica_id, sum(held) AS held FROM ins GROUP BY account_id, replica_id) x
                WHERE l.account_id = x.account_id AND l.replica_id = x.replica_id AND l.amount >= x.held
                RETURNING l.account_id, x.held AS released
            )
            UPDATE quota_account a
               SET committed = a.committed + y.actual,
                   reserved = greatest(a.reserved - coalesce(z.released, 0), 0)
              FROM (SELECT account_id, sum(actual) AS actual FROM ins GROUP BY account_id) y
              LEFT JOIN (SELECT account_id, sum(released) AS released FROM leased GROUP BY account_id) z
                ON z.account_id = y.account_id
             WHERE a.id = y.account_id
            """;

    private static final String EVENTS = """
            WITH x AS (
                SELECT DISTINCT ON (account_id) account_id, tenant_id
                  FROM unnest(?::bigint[], ?::uuid[]) AS u(account_id, tenant_id)
            )
            INSERT INTO quota_event (tenant_id, kind, pool_key, account_id, threshold_pct, limit_amount, used_amount,
                                     detail)
            SELECT x.tenant_id, 'THRESHOLD', a.pool_key, a.id, t.pct, a.limit_amount, a.committed,
                   'usage reached ' || t.pct || '% of the limit'
              FROM x
              JOIN quota_account a ON a.id = x.account_id
             CROSS JOIN unnest(?::int[]) AS t(pct)
             WHERE a.limit_amount > 0 AND a.unit <> 'REQUESTS'
               AND a.committed * 100 >= a.limit_amount * t.pct
            ON CONFLICT DO NOTHING
            RETURNING account_id
            """;

    /**
     * Moves the {@code EXHAUSTED} event of accounts whose thresholds this settlement recorded behind them in the
     * listing (by id): the refusal it records happened while the usage settled now was still held, so it was written
     * first, but it is the account's last state. It keeps its {@code occurred_at}, the time of the refusal.
     */
    private static final String EXHAUSTED_LAST = """
            UPDATE quota_event e SET id = nextval(pg_get_serial_sequence('quota_event', 'id'))
             WHERE e.kind = 'EXHAUSTED' AND e.account_id = ANY(?)
               AND EXISTS (SELECT 1 FROM quota_event t
                            WHERE t.kind = 'THRESHOLD' AND t.account_id = e.account_id AND t.id > e.id)
            """;

    private SettlementSql() {}

    /**
     * Settles {@code rows} on {@code c} (in a transaction the caller commits).
     *
     * @param thresholds soft thresholds in percent, e.g. {80, 100}
     */
    public static void settle(Connection c, List<Settlement> rows, int[] thresholds) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        TreeSet<Long> accounts = new TreeSet<>();
        int n = rows.size();
        String[] requestIds = new String[n];
        Long[] accountIds = new Long[n];
        UUID[] replicas = new UUID[n];
        UUID[] tenants = new UUID[n];
        BigDecimal[] held = new BigDecimal[n];
        BigDecimal[] actual = new BigDecimal[n];
        for (int i = 0; i < n; i++) {
            Settlement s = rows.get(i);
            requestIds[i] = s.requestId();
            accountIds[i] = s.accountId();
            replicas[i] = s.replicaId();
            tenants[i] = s.tenantId();
            held[i] = s.held();
            actual[i] = s.actual();
            accounts.add(s.accountId());
        }
        Array accountArray = c.createArrayOf("bigint", accounts.toArray());
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setArray(1, accountArray);
            ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(SETTLE)) {
            ps.setArray(1, c.createArrayOf("varchar", requestIds));
            ps.setArray(2, c.createArrayOf("bigint", accountIds));
            ps.setArray(3, c.createArrayOf("uuid", replicas));
            ps.setArray(4, c.createArrayOf("numeric", held));
            ps.setArray(5, c.createArrayOf("numeric", actual));
            ps.executeUpdate();
        }
        Integer[] pcts = new Integer[thresholds.length];
        for (int i = 0; i < thresholds.length; i++) {
            pcts[i] = thresholds[i];
        }
        TreeSet<Long> crossed = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(EVENTS)) {
            ps.setArray(1, c.createArrayOf("bigint", accountIds));
            ps.setArray(2, c.createArrayOf("uuid", tenants));
            ps.setArray(3, c.createArrayOf("int", pcts));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    crossed.add(rs.getLong(1));
                }
            }
        }
        if (crossed.isEmpty()) {
            return; // the common case: no threshold crossed, no further round trip
        }
        try (PreparedStatement ps = c.prepareStatement(EXHAUSTED_LAST)) {
            ps.setArray(1, c.createArrayOf("bigint", crossed.toArray()));
            ps.executeUpdate();
        }
    }
}
