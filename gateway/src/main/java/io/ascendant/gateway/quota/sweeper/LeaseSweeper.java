package io.ascendant.gateway.quota.sweeper;

import io.ascendant.gateway.quota.QuotaStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Releases the leases, and with them every per-request hold, of replicas that stopped heart-beating (a crashed or
 * partitioned gateway).
 *
 * <p>A replica is dead when its heartbeat is older than {@code deadAfter}; its holds are then back in their accounts
 * at most {@code deadAfter + sweep interval} after its last heartbeat (the bound documented in docs/quotas.md). Any
 * replica may sweep: the dead replica's row is locked with {@code SKIP LOCKED}, so two sweepers never release the
 * same lease twice, and account rows are locked in ascending id order before lease rows, the order every other
 * writer uses. Leases left without a replica row (granted while their replica was being swept) are released
 * too (that pass scans every lease, so it runs at most once a minute). A usage row of a swept replica that commits later still settles: it adds its cost to
 * {@code committed} and, finding no lease, leaves {@code reserved} alone.
 */
public final class LeaseSweeper {

    private static final String DEAD = "SELECT replica_id FROM quota_replica WHERE heartbeat_at < ? "
            + "ORDER BY heartbeat_at FOR UPDATE SKIP LOCKED LIMIT 1";
    private static final String ORPHAN = "SELECT l.replica_id FROM quota_lease l WHERE NOT EXISTS "
            + "(SELECT 1 FROM quota_replica r WHERE r.replica_id = l.replica_id) LIMIT 1";
    private static final String LOCK_ACCOUNTS = "SELECT a.id FROM quota_account a "
            + "WHERE a.id IN (SELECT account_id FROM quota_lease WHERE replica_id = ?) ORDER BY a.id FOR UPDATE";
    private static final String RELEASE = "UPDATE quota_account a SET reserved = greatest(a.reserved - l.amount, 0) "
            + "FROM quota_lease l WHERE l.replica_id = ? AND a.id = l.account_id";
    private static final String DROP_LEASES = "DELETE FROM quota_lease WHERE replica_id = ?";
    private static final String DROP_REPLICA = "DELETE FROM quota_replica WHERE replica_id = ?";

    /** The orphan pass scans all leases, so it runs at most this often. */
    private static final Duration ORPHAN_PASS_INTERVAL = Duration.ofMinutes(1);

    private final DataSource dataSource;
    private final Duration deadAfter;
    private Instant lastOrphanPass = Instant.MIN;

    /** A sweeper declaring replicas dead after {@code deadAfter} without a heartbeat. */
    public LeaseSweeper(DataSource dataSource, Duration deadAfter) {
        this.dataSource = dataSource;
        this.deadAfter = deadAfter;
    }

    /**
     * Releases the leases of every replica dead at {@code now}.
     *
     * @return the ids of the replicas swept
     */
    public synchronized List<UUID> sweep(Instant now) {
        List<UUID> swept = new ArrayList<>();
        boolean orphans = !now.isBefore(lastOrphanPass.plus(ORPHAN_PASS_INTERVAL));
        if (orphans) {
            lastOrphanPass = now;
        }
        Timestamp cutoff = Timestamp.from(now.minus(deadAfter));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                while (true) {
                    UUID dead = firstOf(c, DEAD, cutoff);
                    if (dead == null && orphans) {
                        // Leases whose replica row is gone: granted while the replica was being swept.
                        dead = firstOf(c, ORPHAN, null);
                    }
                    if (dead == null) {
                        c.commit();
                        return swept;
                    }
                    for (String sql : List.of(LOCK_ACCOUNTS, RELEASE, DROP_LEASES, DROP_REPLICA)) {
                        try (PreparedStatement ps = c.prepareStatement(sql)) {
                            ps.setObject(1, dead);
                            ps.execute();
                        }
                    }
                    c.commit();
                    swept.add(dead);
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("lease sweep failed", e);
        }
    }

    private static UUID firstOf(Connection c, String sql, Timestamp param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setTimestamp(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, UUID.class) : null;
            }
        }
    }
}
