package io.ascendant.tenancy.apikey;

import io.ascendant.tenancy.tenant.TenantStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Plain-JDBC reads for the authentication path (no ORM session, no transaction manager): runs before any tenant is
 * known, so it is deliberately outside the tenant-scoped repositories. Also writes batched last-used times.
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
            Instant expiresAt) {}

    /** What authentication needs to know about a tenant. */
    public record TenantRecord(UUID tenantId, TenantStatus status, String currency, ZoneId timeZone) {}

    private static final String FIND_KEY =
            "select k.id, k.tenant_id, k.project_id, k.secret_hash, k.allowed_models, k.status, k.expires_at,"
                    + " p.status as project_status from api_key k join project p"
                    + " on p.tenant_id = k.tenant_id and p.id = k.project_id where k.public_id = ?";
    private static final String FIND_TENANT = "select status, currency, time_zone from tenant where id = ?";
    private static final String TOUCH =
            "update api_key k set last_used_at = v.t from unnest(?::uuid[], ?::timestamptz[])"
                    + " as v(id, t) where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.t)";

    private final DataSource dataSource;

    /** @param dataSource the gateway's (or, in tests, a second replica's) PostgreSQL data source */
    public ApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The key with this public id, if any. */
    public Optional<KeyRecord> findKey(String publicId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(FIND_KEY)) {
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
                        exp == null ? null : exp.toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("API key lookup failed: " + e.getMessage(), e);
        }
    }

    /** The tenant's auth-relevant state, if it exists. */
    public Optional<TenantRecord> findTenant(UUID tenantId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(FIND_TENANT)) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TenantRecord(
                        tenantId, TenantStatus.valueOf(rs.getString(1)), rs.getString(2), ZoneId.of(rs.getString(3))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tenant lookup failed: " + e.getMessage(), e);
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
