package io.ascendant.gateway.quota;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.ascendant.gateway.testsupport.SharedPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;

/**
 * A fresh, migrated database on the shared test PostgreSQL, and independent connection pools on it: one per
 * simulated gateway replica, so replicas share nothing but the database, as in production.
 */
final class QuotaTestDb implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final List<AgroalDataSource> pools = new ArrayList<>();

    QuotaTestDb(String prefix) {
        SharedPostgres pg = SharedPostgres.get();
        this.url = pg.jdbcUrl(pg.createDatabase(prefix));
        this.user = pg.username();
        this.password = pg.password();
        Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    String url() {
        return url;
    }

    /**
     * A new pool of at most {@code maxSize} connections (a replica's own pool). Like the application's pool
     * (quarkus-jdbc-postgresql), it discards a connection that failed with a connection error (SQL state 08).
     */
    AgroalDataSource newPool(int maxSize) {
        try {
            AgroalDataSource ds = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(cp -> cp.maxSize(maxSize)
                            .exceptionSorter(new PostgreSQLExceptionSorter())
                            .acquisitionTimeout(java.time.Duration.ofSeconds(30))
                            .connectionFactoryConfiguration(cf -> cf.jdbcUrl(url)
                                    .principal(new NamePrincipal(user))
                                    .credential(new SimplePassword(password)))));
            pools.add(ds);
            return ds;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a query returning one decimal. */
    BigDecimal decimal(String sql, Object... params) throws SQLException {
        try (Connection c = newConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    /** Runs a query returning one long. */
    long count(String sql, Object... params) throws SQLException {
        return decimal(sql, params).longValueExact();
    }

    /** Runs a query returning one timestamp. */
    java.time.Instant timestamp(String sql, Object... params) throws SQLException {
        try (Connection c = newConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    Connection newConnection() throws SQLException {
        return java.sql.DriverManager.getConnection(url, user, password);
    }

    @Override
    public void close() {
        pools.forEach(AgroalDataSource::close);
    }
}
