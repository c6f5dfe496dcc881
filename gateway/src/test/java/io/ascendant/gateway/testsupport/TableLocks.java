package io.ascendant.gateway.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Stalls PostgreSQL for chosen tables the way a real stall looks to the gateway: a session holds them locked in
 * {@code ACCESS EXCLUSIVE} mode, so every read and write of them waits until the test rolls the session back.
 */
public final class TableLocks {

    private TableLocks() {}

    /**
     * Locks {@code tables} in a new transaction on a connection from {@code dataSource}.
     *
     * @return the locking session; roll it back (and close it) to let the waiting statements go on
     */
    public static Connection exclusive(DataSource dataSource, String... tables) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE " + String.join(", ", tables) + " IN ACCESS EXCLUSIVE MODE");
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
