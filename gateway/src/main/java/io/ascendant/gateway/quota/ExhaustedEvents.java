package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.lease.AccountSnapshot;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Records the first refusal of a hard budget account (429 {@code quota_exceeded}) as an {@code EXHAUSTED} event for
 * the admin API and console (V071). Once per account: the database keeps one row per account (unique index), and
 * this replica remembers the accounts it has already written so a refusal storm costs no database round trips. Best
 * effort: a failure to record is logged and never changes the refusal.
 *
 * <p>The event carries the limit it refused under, and the budgets API counts it only while the budget is no higher
 * (a budget raised above its use admits again). So a refusal under a higher limit than the recorded one (the budget
 * was raised, then used up again) updates the event: its limit, used amount and time become this refusal's, and it
 * takes a new id so that it is listed last again, like the move of {@code SettlementSql}. Only refusals write it, in
 * their own one-statement transaction, so it never waits on a lock while holding another.
 */
final class ExhaustedEvents {

    private static final Logger LOG = Logger.getLogger(ExhaustedEvents.class);
    private static final String INSERT = "INSERT INTO quota_event AS e (tenant_id, kind, pool_key, account_id,"
            + " limit_amount, used_amount, detail) VALUES (?, 'EXHAUSTED', ?, ?, ?, ?, ?)"
            + " ON CONFLICT (account_id) WHERE kind = 'EXHAUSTED' DO UPDATE SET limit_amount = EXCLUDED.limit_amount,"
            + " used_amount = EXCLUDED.used_amount, occurred_at = now(),"
            + " id = nextval(pg_get_serial_sequence('quota_event', 'id'))"
            + " WHERE e.limit_amount < EXCLUDED.limit_amount";
    /** Bound of the remembered account ids; past it the map starts over (the unique index still dedupes). */
    private static final int MAX_REMEMBERED = 100_000;

    private final DataSource dataSource;
    /** Per account, the highest limit this replica has recorded a refusal under. */
    private final Map<Long, BigDecimal> recorded = new ConcurrentHashMap<>();

    ExhaustedEvents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records that {@code accountId} refused a request; {@code seen} is the account as the replica last saw it. */
    void record(UUID tenantId, long accountId, String poolKey, AccountSnapshot seen) {
        BigDecimal limit = seen == null ? BigDecimal.ZERO : seen.limit();
        if (isRecorded(accountId, limit)) {
            return;
        }
        NonBlockingAdmission.mayBlock("exhausted event"); // before remembering it: the retry on a worker records it
        boolean[] claimed = {false};
        recorded.compute(accountId, (id, r) -> {
            if (r != null && r.compareTo(limit) >= 0) {
                return r; // another thread recorded as high a limit meanwhile
            }
            claimed[0] = true;
            return limit;
        });
        if (!claimed[0]) {
            return;
        }
        if (recorded.size() > MAX_REMEMBERED) {
            recorded.clear();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, tenantId);
            ps.setString(2, poolKey);
            ps.setLong(3, accountId);
            ps.setBigDecimal(4, seen == null ? null : seen.limit());
            ps.setBigDecimal(5, seen == null ? null : seen.committed().add(seen.reserved()));
            ps.setString(
                    6,
                    "a request was refused (quota_exceeded): settled usage plus holds left less than its"
                            + " worst case");
            ps.executeUpdate();
        } catch (SQLException e) {
            recorded.remove(accountId, limit);
            LOG.warnf("budget refusal of tenant %s not recorded: %s", tenantId, e.getMessage());
        }
    }

    private boolean isRecorded(long accountId, BigDecimal limit) {
        BigDecimal r = recorded.get(accountId);
        return r != null && r.compareTo(limit) >= 0;
    }
}
