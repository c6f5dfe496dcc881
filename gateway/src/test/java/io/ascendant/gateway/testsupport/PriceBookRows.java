package io.ascendant.gateway.testsupport;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Price-book versions written directly, for tests that need a price in force now: the admin API (rightly) only adds
 * versions that start at least twice the refresh interval ahead. Reload the {@code PriceBookService} afterwards so
 * this gateway sees the version at once.
 */
public final class PriceBookRows {

    private PriceBookRows() {}

    /**
     * Adds a version of {@code model} in {@code currency}, in force since a second ago, with the same price per
     * million tokens for cache hits, cache misses and output.
     *
     * @param tenantId the tenant of an override; null for a list price
     * @return the version's id
     */
    public static long addInForce(
            DataSource ds, String model, String currency, UUID tenantId, BigDecimal perMtok, String source)
            throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO price_book_version (model, currency,"
                        + " tenant_id, effective_from, cache_hit_per_mtok, cache_miss_per_mtok, output_per_mtok,"
                        + " source, created_by) VALUES (?, ?, ?, now() - interval '1 second', ?, ?, ?, ?, 'test')"
                        + " RETURNING id")) {
            ps.setString(1, model);
            ps.setString(2, currency);
            ps.setObject(3, tenantId);
            ps.setBigDecimal(4, perMtok);
            ps.setBigDecimal(5, perMtok);
            ps.setBigDecimal(6, perMtok);
            ps.setString(7, source);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
