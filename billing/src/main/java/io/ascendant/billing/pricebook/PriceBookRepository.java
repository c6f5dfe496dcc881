package io.ascendant.billing.pricebook;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** JDBC access to {@code price_book_version}. Rows are only ever inserted (a trigger rejects updates/deletes). */
public final class PriceBookRepository {

    private static final String COLUMNS = "id, model, currency, tenant_id, effective_from, cache_hit_per_mtok,"
            + " cache_miss_per_mtok, output_per_mtok, peak_zone, peak_hours, peak_weekdays_only,"
            + " peak_cache_hit_per_mtok, peak_cache_miss_per_mtok, peak_output_per_mtok, source";

    private PriceBookRepository() {}

    /** Loads every version into a snapshot. */
    public static PriceBook loadAll(Connection c) throws SQLException {
        List<PriceVersion> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM price_book_version");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return new PriceBook(out);
    }

    /** Inserts a version (its id is ignored) and returns it with the assigned id. */
    public static PriceVersion insert(Connection c, PriceVersion v, String createdBy) throws SQLException {
        String sql = "INSERT INTO price_book_version (model, currency, tenant_id, effective_from, cache_hit_per_mtok,"
                + " cache_miss_per_mtok, output_per_mtok, peak_zone, peak_hours, peak_weekdays_only,"
                + " peak_cache_hit_per_mtok, peak_cache_miss_per_mtok, peak_output_per_mtok, source, created_by)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, v.model());
            ps.setString(2, v.currency());
            ps.setObject(3, v.tenantId());
            ps.setTimestamp(4, Timestamp.from(v.effectiveFrom()));
            ps.setBigDecimal(5, v.base().cacheHit());
            ps.setBigDecimal(6, v.base().cacheMiss());
            ps.setBigDecimal(7, v.base().output());
            ps.setString(8, v.peak() == null ? null : v.peak().zone().getId());
            ps.setString(9, v.peak() == null ? null : v.peak().hoursText());
            ps.setBoolean(10, v.peak() != null && v.peak().weekdaysOnly());
            ps.setBigDecimal(11, v.peakRates() == null ? null : v.peakRates().cacheHit());
            ps.setBigDecimal(12, v.peakRates() == null ? null : v.peakRates().cacheMiss());
            ps.setBigDecimal(13, v.peakRates() == null ? null : v.peakRates().output());
            ps.setString(14, v.source());
            ps.setString(15, createdBy);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return new PriceVersion(
                        id,
                        v.model(),
                        v.currency(),
                        v.tenantId(),
                        v.effectiveFrom(),
                        v.base(),
                        v.peak(),
                        v.peakRates(),
                        v.source());
            }
        }
    }

    static PriceVersion map(ResultSet rs) throws SQLException {
        String zone = rs.getString("peak_zone");
        PeakSchedule peak = zone == null
                ? null
                : PeakSchedule.parse(ZoneId.of(zone), rs.getString("peak_hours"), rs.getBoolean("peak_weekdays_only"));
        Rates peakRates = zone == null
                ? null
                : new Rates(
                        strip(rs.getBigDecimal("peak_cache_hit_per_mtok")),
                        strip(rs.getBigDecimal("peak_cache_miss_per_mtok")),
                        strip(rs.getBigDecimal("peak_output_per_mtok")));
        return new PriceVersion(
                rs.getLong("id"),
                rs.getString("model"),
                rs.getString("currency"),
                rs.getObject("tenant_id", UUID.class),
                rs.getTimestamp("effective_from").toInstant(),
                new Rates(
                        strip(rs.getBigDecimal("cache_hit_per_mtok")),
                        strip(rs.getBigDecimal("cache_miss_per_mtok")),
                        strip(rs.getBigDecimal("output_per_mtok"))),
                peak,
                peakRates,
                rs.getString("source"));
    }

    /** Drops the column's trailing zeros (numeric(20,10) returns 0.1400000000) so prices print as published. */
    private static BigDecimal strip(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
