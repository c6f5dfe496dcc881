package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.lease.AccountSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Records the first refusal of a hard budget account (429 {@code quota_exceeded}) as an {@code EXHAUSTED} event for
 * the admin API and console (V071). Once per account: the database keeps one row per account (unique index), and
 * this replica remembers the accounts it has already written so a refusal storm costs no database round trips. Best
 * effort: a failure to record is logged and never changes the refusal.
 */
final class ExhaustedEvents {

    private static final Logger LOG = Logger.getLogger(ExhaustedEvents.class);
    private static final String INSERT = "INSERT INTO quota_event (tenant_id, kind, pool_key, account_id, limit_amount,"
            + " used_amount, detail) VALUES (?, 'EXHAUSTED', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    /** Bound of the remembered account ids; past it the set starts over (the unique index still dedupes). */
    private static final int MAX_REMEMBERED = 100_000;

    private final DataSource dataSource;
    private final Set<Long> recorded = ConcurrentHashMap.newKeySet();

    ExhaustedEvents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records that {@code accountId} refused a request; {@code seen} is the account as the replica last saw it. */
    void record(UUID tenantId, long accountId, String poolKey, AccountSnapshot seen) {
        if (recorded.contains(accountId)) {
            return;
        }
        NonBlockingAdmission.mayBlock("exhausted event"); // before remembering it: the retry on a worker records it
        if (!recorded.add(accountId)) {
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
            recorded.remove(accountId);
            LOG.warnf("budget refusal of tenant %s not recorded: %s", tenantId, e.getMessage());
        }
    }
}
