package io.ascendant.tenancy.apikey;

import io.ascendant.tenancy.tenant.TenantStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Plain-JDBC reads for the authentication path (no ORM session, no transaction manager): runs before any tenant is
 * known, so it is deliberately outside the tenant-scoped repositories. Also writes batched last-used times.
 *
 * <p>Lookups ({@link #findKey}, {@link #findTenant}) can be bounded: their connection then has a network timeout of
 * {@code tenancy.api-keys.lookup-timeout} while they run, so a PostgreSQL that stalls (a {@code SIGSTOP}, a network
 * black hole, a table lock held too long) fails the statement after that time (SQL state 08006; the driver closes the
 * connection and the pool, whose PostgreSQL exception sorter counts state 08 as fatal, discards it) instead of holding
 * the lookup as long as the stall lasts. A server-side {@code statement_timeout} would never fire on a stalled server,
 * and a {@code socketTimeout} in the JDBC URL would bound every user of the shared pool. Trap: the pool does not reset
 * a connection's network timeout when it gets it back, so the lookup restores the one it found before closing.
 * Waiting for a pooled connection is bounded by {@code quarkus.datasource.jdbc.acquisition-timeout}.
 */
public final class ApiKeyStore {

    /**
     * What authentication needs to know about a key.
     *
     * @param usable status ACTIVE and its project ACTIVE (expiry is checked separately, against the clock)
     */
    public record KeyRecord(
            UUID keyId,
            UUID tenantId,
            UUID projectId,
            String publicId,
            byte[] hash,
            Set<String> allowedModels,
            boolean usable,
            Instant expiresAt,
            Set<ApiKeyScope> scopes) {}

    /** What authentication needs to know about a tenant. */
    public record TenantRecord(UUID tenantId, TenantStatus status, String currency, ZoneId timeZone) {}

    private static final String FIND_KEY =
            "select k.id, k.tenant_id, k.project_id, k.secret_hash, k.allowed_models, k.status, k.expires_at,"
                    + " k.scopes, p.status as project_status from api_key k join project p"
                    + " on p.tenant_id = k.tenant_id and p.id = k.project_id where k.public_id = ?";
    private static final String FIND_TENANT = "select status, currency, time_zone from tenant where id = ?";
    private static final String TOUCH =
            "update api_key k set last_used_at = v.t from unnest(?::uuid[], ?::timestamptz[])"
                    + " as v(id, t) where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.t)";

    /** The PostgreSQL driver ignores the executor of a network timeout; JDBC only wants a non-null one. */
    private static final Executor DIRECT = Runnable::run;

    private final DataSource dataSource;
    /** Network timeout of lookups in milliseconds; 0 leaves the connection's own (unbounded by default). */
    private final int lookupTimeoutMillis;

    /**
     * A store whose lookups wait as long as the database does (benchmarks, tests).
     *
     * @param dataSource the gateway's (or, in tests, a second replica's) PostgreSQL data source
     */
    public ApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.lookupTimeoutMillis = 0;
    }

    /**
     * A store whose lookups fail after {@code lookupTimeout} without an answer from PostgreSQL.
     *
     * @param lookupTimeout positive, at most {@link Integer#MAX_VALUE} milliseconds
     * @throws IllegalArgumentException when it is not (stops start-up, naming the setting)
     */
    public ApiKeyStore(DataSource dataSource, Duration lookupTimeout) {
        if (lookupTimeout.isNegative()
                || lookupTimeout.toMillis() < 1
                || lookupTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "tenancy.api-keys.lookup-timeout must be at least 1 ms and at most 24 days, was " + lookupTimeout);
        }
        this.dataSource = dataSource;
        this.lookupTimeoutMillis = (int) lookupTimeout.toMillis();
    }

    /** The key with this public id, if any. */
    public Optional<KeyRecord> findKey(String publicId) {
        try (Connection c = dataSource.getConnection()) {
            int before = bound(c);
            try {
                return findKey(c, publicId);
            } finally {
                restore(c, before);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("API key lookup failed: " + e.getMessage(), e);
        }
    }

    private static Optional<KeyRecord> findKey(Connection c, String publicId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND_KEY)) {
            ps.setString(1, publicId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array models = rs.getArray("allowed_models");
                Set<String> allowed = models == null ? Set.of() : Set.of((String[]) models.getArray());
                Timestamp exp = rs.getTimestamp("expires_at");
                boolean usable =
                        "ACTIVE".equals(rs.getString("status")) && "ACTIVE".equals(rs.getString("project_status"));
                return Optional.of(new KeyRecord(
                        rs.getObject("id", UUID.class),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getObject("project_id", UUID.class),
                        publicId,
                        rs.getBytes("secret_hash"),
                        allowed,
                        usable,
                        exp == null ? null : exp.toInstant(),
                        scopes(rs.getArray("scopes"))));
            }
        }
    }

    /** Immutable, so that the {@link ApiKeyCaller} of every cached authentication shares it instead of copying. */
    private static Set<ApiKeyScope> scopes(Array names) throws SQLException {
        return names == null ? Set.of() : Set.copyOf(ApiKeyScope.fromWireNames((String[]) names.getArray()));
    }

    /** The tenant's auth-relevant state, if it exists. */
    public Optional<TenantRecord> findTenant(UUID tenantId) {
        try (Connection c = dataSource.getConnection()) {
            int before = bound(c);
            try (PreparedStatement ps = c.prepareStatement(FIND_TENANT)) {
                ps.setObject(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new TenantRecord(
                            tenantId,
                            TenantStatus.valueOf(rs.getString(1)),
                            rs.getString(2),
                            ZoneId.of(rs.getString(3))));
                }
            } finally {
                restore(c, before);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tenant lookup failed: " + e.getMessage(), e);
        }
    }

    /** Sets the lookup's network timeout on {@code c}; returns the one it had, or -1 when lookups are unbounded. */
    private int bound(Connection c) throws SQLException {
        if (lookupTimeoutMillis == 0) {
            return -1;
        }
        int before = c.getNetworkTimeout();
        c.setNetworkTimeout(DIRECT, lookupTimeoutMillis);
        return before;
    }

    /** Gives {@code c} back the network timeout it had before {@link #bound}, before it returns to the pool. */
    private static void restore(Connection c, int before) {
        if (before < 0) {
            return;
        }
        try {
            if (!c.isClosed()) {
                c.setNetworkTimeout(DIRECT, before);
            }
        } catch (SQLException e) {
            // A connection that cannot take the setting is broken; the pool discards it on close.
        }
    }

    /** One UPDATE for a whole batch of last-used times; never moves a time backwards. */
    public void writeLastUsed(Map<UUID, Instant> batch) {
        if (batch.isEmpty()) {
            return;
        }
        UUID[] ids = new UUID[batch.size()];
        Timestamp[] times = new Timestamp[batch.size()];
        int i = 0;
        for (Map.Entry<UUID, Instant> e : batch.entrySet()) {
            ids[i] = e.getKey();
            times[i] = Timestamp.from(e.getValue());
            i++;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(TOUCH)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("timestamptz", times));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("last-used update failed: " + e.getMessage(), e);
        }
    }
}
