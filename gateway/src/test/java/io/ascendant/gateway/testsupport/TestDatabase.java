package io.ascendant.gateway.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A database of its own on the shared PostgreSQL for integration tests whose gateways run as child processes
 * ({@link GatewayProcess}): the children get its connection settings, the test writes fixtures and reads what the
 * gateways stored with plain JDBC, one connection per statement (there is no injected DataSource outside Quarkus).
 * Created empty; the gateways' Flyway migrates it when they start.
 */
public final class TestDatabase {

    private final SharedPostgres pg;
    private final String name;

    private TestDatabase(SharedPostgres pg, String name) {
        this.pg = pg;
        this.name = name;
    }

    /**
     * A new, empty database.
     *
     * @param prefix of the name, as {@link SharedPostgres#createDatabase} takes it
     */
    public static TestDatabase create(String prefix) {
        SharedPostgres pg = SharedPostgres.get();
        return new TestDatabase(pg, pg.createDatabase(prefix));
    }

    /** Its JDBC URL, for {@code QUARKUS_DATASOURCE_JDBC_URL}. */
    public String jdbcUrl() {
        return pg.jdbcUrl(name);
    }

    /** The user name, for {@code QUARKUS_DATASOURCE_USERNAME}. */
    public String username() {
        return pg.username();
    }

    /** The password, for {@code QUARKUS_DATASOURCE_PASSWORD}. */
    public String password() {
        return pg.password();
    }

    /** Runs one statement (an insert, update or delete) with {@code params} bound in order. */
    public void exec(String sql, Object... params) throws SQLException {
        try (Connection c = pg.connect(name);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /**
     * The first column of the first row of {@code sql} with {@code param} bound to its one {@code ?}; fails the test
     * when there is no row. An SQLException becomes an IllegalStateException, so the call fits in a polled condition.
     */
    public BigDecimal decimal(String sql, Object param) {
        try (Connection c = pg.connect(name);
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for %s: %s", param, sql).isTrue();
                return rs.getBigDecimal(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #decimal} of a count (or any whole number); fails when it is not a whole number that fits a long. */
    public long count(String sql, Object param) {
        return decimal(sql, param).longValueExact();
    }
}
