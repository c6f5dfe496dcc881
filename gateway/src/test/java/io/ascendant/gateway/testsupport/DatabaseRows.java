package io.ascendant.gateway.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads one row of a query with one string parameter as column label to value (the JDBC driver's types: Long for
 * bigint, BigDecimal for numeric, java.sql.Timestamp and java.sql.Date), for tests that check what the gateway stored
 * ({@code usage_ledger}, {@code quota_settlement}, {@code quota_account}).
 */
public final class DatabaseRows {

    private DatabaseRows() {}

    /** The first row of {@code sql} with {@code param} bound to its one {@code ?}; fails the test when there is none. */
    public static Map<String, Object> single(DataSource ds, String sql, String param) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for %s: %s", param, sql).isTrue();
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, Object> m = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    m.put(meta.getColumnLabel(i), rs.getObject(i));
                }
                return m;
            }
        }
    }

    /** The single number {@code sql} (a {@code count(*)}) gives with {@code param} bound to its one {@code ?}. */
    public static long count(DataSource ds, String sql, String param) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
