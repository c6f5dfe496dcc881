package io.ascendant.gateway.quota;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * The quota engine's view of the application's datasource: every connection it hands out has a network timeout of
 * {@code gateway.quota.database-timeout}, so no read waits longer than that for PostgreSQL. A stalled server (a
 * {@code SIGSTOP}, a network black hole, a lock held too long) makes the statement fail with an I/O error after the
 * timeout (SQL state 08006); the PostgreSQL driver then closes the connection, and the pool discards it (the
 * application's Agroal pool counts SQL state 08 as fatal: quarkus-jdbc-postgresql's exception sorter; a pool without
 * that sorter would hand the dead connection out again). The quota code turns that into
 * {@link QuotaStoreException} (fail closed: the request is answered 503, nothing is admitted).
 *
 * <p>Why a network timeout and not the alternatives: a server-side {@code statement_timeout} never fires when the
 * server itself is stalled; a JDBC {@code socketTimeout} in the URL would apply to every user of the shared pool,
 * including Flyway's migrations, invoice drafting and the usage ledger's long-lived writer connections, whose
 * statements may rightly run longer. Waiting for a pooled connection is bounded by the pool's acquisition timeout
 * ({@code quarkus.datasource.jdbc.acquisition-timeout}); {@link QuotaAdmissionControl} bounds the admission as a
 * whole, whatever it waits for.
 *
 * <p>Trap: Agroal does not reset a connection's network timeout when it goes back to the pool (it resets auto-commit,
 * isolation and read-only only), and the usage ledger takes its writer connections from the same pool. Closing a
 * connection handed out here therefore restores the timeout it had before, then returns it.
 *
 * <p>Thread safety: immutable; connections are used by one thread at a time, as JDBC requires.
 */
final class BoundedDataSource extends DelegatingDataSource {

    /** The PostgreSQL driver ignores the executor; the JDBC contract only wants a non-null one. */
    private static final Executor DIRECT = Runnable::run;

    private final int timeoutMillis;

    /**
     * @param timeout the network timeout of every connection handed out: positive, at most {@link Integer#MAX_VALUE}
     *     milliseconds
     * @throws IllegalArgumentException when {@code timeout} is not in that range (stops start-up)
     */
    BoundedDataSource(DataSource delegate, Duration timeout) {
        if (timeout.isNegative() || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "gateway.quota.database-timeout must be at least 1 ms and at most 24 days, was " + timeout);
        }
        super(delegate);
        this.timeoutMillis = (int) timeout.toMillis();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return bounded(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return bounded(delegate.getConnection(user, password));
    }

    private Connection bounded(Connection c) throws SQLException {
        int before;
        try {
            before = c.getNetworkTimeout();
            c.setNetworkTimeout(DIRECT, timeoutMillis);
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        restoreAndClose(c, before);
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void restoreAndClose(Connection c, int before) throws SQLException {
        try {
            if (!c.isClosed()) {
                c.setNetworkTimeout(DIRECT, before);
            }
        } catch (SQLException e) {
            // A connection that cannot take the setting is broken; the pool discards it on close.
        } finally {
            c.close();
        }
    }
}
