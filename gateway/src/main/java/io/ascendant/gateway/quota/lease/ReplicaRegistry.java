package io.ascendant.gateway.quota.lease;

import io.ascendant.gateway.quota.QuotaStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * This replica's identity in {@code quota_replica} and its liveness fence.
 *
 * <p>The replica writes {@code heartbeat_at} every heartbeat interval. Any replica's sweeper declares it dead once
 * the heartbeat is older than {@code deadAfter} and releases its leases. To make that safe for a replica that was
 * only paused (GC, a stalled host), the replica spends leases only while its <em>fence</em> holds: until
 * {@code lastHeartbeat + fence} where {@code fence < deadAfter}. A heartbeat that finds its row gone (swept) makes
 * the replica register under a new id: leases and holds of the old id are then never touched by it again (their
 * settlements still find them by the old id). Clocks of replicas must agree to well within
 * {@code deadAfter - fence} (NTP). Thread-safe.
 */
public final class ReplicaRegistry {

    private static final String REGISTER =
            "INSERT INTO quota_replica (replica_id, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?)";
    private static final String BEAT = "UPDATE quota_replica SET heartbeat_at = ? WHERE replica_id = ?";
    private static final String LEAVE = "DELETE FROM quota_replica WHERE replica_id = ?";

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration fence;
    private final String host;

    private volatile UUID replicaId;
    private volatile Instant fenceUntil = Instant.MIN;

    /**
     * @param fence how long after a successful heartbeat this replica may spend its leases
     * @param host a name for operators (host name or pod name)
     */
    public ReplicaRegistry(DataSource dataSource, Clock clock, Duration fence, String host) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.fence = fence;
        this.host = host;
    }

    /** Registers under a fresh id (at start, and after being declared dead). */
    public synchronized UUID register() {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(REGISTER)) {
            ps.setObject(1, id);
            ps.setString(2, host);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new QuotaStoreException("replica registration failed", e);
        }
        replicaId = id;
        fenceUntil = now.plus(fence);
        return id;
    }

    /**
     * Writes the heartbeat; re-registers under a new id when this replica was declared dead.
     *
     * @return the current replica id
     */
    public synchronized UUID heartbeat() {
        UUID id = replicaId;
        if (id == null) {
            return register();
        }
        Instant now = clock.instant();
        int n;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(BEAT)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, id);
            n = ps.executeUpdate();
        } catch (SQLException e) {
            throw new QuotaStoreException("replica heartbeat failed", e);
        }
        if (n == 0) {
            return register();
        }
        fenceUntil = now.plus(fence);
        return id;
    }

    /** Leaves the cluster (clean shutdown, after all leases were given back). */
    public synchronized void leave() {
        UUID id = replicaId;
        if (id == null) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LEAVE)) {
            ps.setObject(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new QuotaStoreException("replica deregistration failed", e);
        }
        replicaId = null;
        fenceUntil = Instant.MIN;
    }

    /** The current id, or null before registration. */
    public UUID replicaId() {
        return replicaId;
    }

    /** Whether leases may be spent at {@code now}. */
    public boolean fenceHolds(Instant now) {
        return now.isBefore(fenceUntil);
    }
}
