package io.ascendant.gateway.quota;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Records what a shadow limit would have refused as a {@code SHADOW_REFUSAL} event (admin API). Best effort: a
 * failure to record is logged and never refuses or delays the request further.
 */
final class ShadowEvents {

    private static final Logger LOG = Logger.getLogger(ShadowEvents.class);
    private static final String INSERT = "INSERT INTO quota_event (tenant_id, kind, pool_key, limit_amount, detail) "
            + "VALUES (?, 'SHADOW_REFUSAL', ?, ?, ?)";

    private final DataSource dataSource;

    ShadowEvents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void record(UUID tenantId, QuotaRefusal refusal) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, tenantId);
            ps.setString(2, refusal.limitKey());
            ps.setBigDecimal(3, refusal.limit());
            String detail = refusal.message();
            ps.setString(4, detail.length() > 500 ? detail.substring(0, 500) : detail);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("shadow refusal of tenant %s not recorded: %s", tenantId, e.getMessage());
        }
    }
}
