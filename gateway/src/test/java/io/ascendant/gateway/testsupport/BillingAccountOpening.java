package io.ascendant.gateway.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Sets when a tenant's billing account was opened ({@code billing_account.created_at}). Billing refuses to invoice a
 * month that ended before the account was opened, so a test that creates its tenant now and invoices an earlier month
 * (last month, a fixed month of 2026) moves the opening back first.
 */
public final class BillingAccountOpening {

    /** An opening before every month the tests invoice. */
    public static final Instant EARLY = Instant.parse("2026-01-01T00:00:00Z");

    private BillingAccountOpening() {}

    /** Sets the opening of the tenant's billing account; fails when the tenant has none. */
    public static void openedAt(DataSource ds, UUID tenantId, Instant at) throws SQLException {
        update(ds, "UPDATE billing_account SET created_at = ? WHERE tenant_id = ?", at, tenantId);
    }

    /** Sets the opening of the billing account of the tenant with this slug; fails when there is none. */
    public static void openedAt(DataSource ds, String slug, Instant at) throws SQLException {
        update(
                ds,
                "UPDATE billing_account SET created_at = ? WHERE tenant_id = (SELECT id FROM tenant WHERE slug = ?)",
                at,
                slug);
    }

    private static void update(DataSource ds, String sql, Instant at, Object tenant) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setObject(2, tenant);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no billing account for " + tenant);
            }
        }
    }
}
