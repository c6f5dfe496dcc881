package io.ascendant.gateway.testsupport;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Price-book versions written directly, for tests that need a price in force now (or one that started in the past):
 * the admin API (rightly) only adds versions that start at least twice the refresh interval ahead. Reload the {@code PriceBookService} afterwards so
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
        return insert(ds, model, currency, tenantId, "now() - interval '1 second'", null, perMtok, source);
    }

    /**
     * Adds a version of {@code model} in {@code currency} starting at {@code effectiveFrom} (past or future), with the
     * same price per million tokens for cache hits, cache misses and output.
     *
     * @param tenantId the tenant of an override; null for a list price
     * @return the version's id
     */
    public static long addFrom(
            DataSource ds,
            String model,
            String currency,
            UUID tenantId,
            Instant effectiveFrom,
            BigDecimal perMtok,
            String source)
            throws SQLException {
        return insert(ds, model, currency, tenantId, "?", effectiveFrom, perMtok, source);
    }

    private static long insert(
            DataSource ds,
            String model,
            String currency,
            UUID tenantId,
            String start,
            Instant effectiveFrom,
            BigDecimal perMtok,
            String source)
            throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO price_book_version (model, currency,"
                        + " tenant_id, effective_from, cache_hit_per_mtok, cache_miss_per_mtok, output_per_mtok,"
                        + " source, created_by) VALUES (?, ?, ?, " + start + ", ?, ?, ?, ?, 'test')"
                        + " RETURNING id")) {
            int i = 1;
            ps.setString(i++, model);
            ps.setString(i++, currency);
            ps.setObject(i++, tenantId);
            if (effectiveFrom != null) {
                ps.setObject(i++, effectiveFrom.atOffset(ZoneOffset.UTC));
            }
            ps.setBigDecimal(i++, perMtok);
            ps.setBigDecimal(i++, perMtok);
            ps.setBigDecimal(i++, perMtok);
            ps.setString(i, source);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
