package io.ascendant.gateway.platform;

import io.agroal.api.AgroalPoolInterceptor;
import io.ascendant.gateway.config.DataPathConfig;
import io.quarkus.arc.Arc;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Bounds how long a read of the tenant API ({@code GET}/{@code HEAD} under {@code /v1/}, e.g. {@code /v1/usage},
 * {@code /v1/invoices}) or of the admin API ({@code GET}/{@code HEAD} under {@code /admin/}) waits for PostgreSQL:
 * every pooled connection such a request takes gets a network timeout of {@code gateway.database.read-timeout}
 * (default 10 s), and loses it when it goes back to the pool.
 *
 * <p>Why: an established pooled connection to a stalled server (a {@code SIGSTOP}, a network black hole, a lock held
 * too long) blocks in a socket read forever, and so did the request. With the timeout the read fails with SQL state
 * {@code 08006}; the driver closes the connection, the pool discards it (its exception sorter treats class 08 as
 * fatal), and the admin problem mappers answer 503 with {@code Retry-After} ({@code
 * io.ascendant.admin.problem.DatabaseUnavailable}). Waiting for a new connection is bounded separately by {@code
 * quarkus.datasource.jdbc.acquisition-timeout}.
 *
 * <p>Why only reads and not a {@code socketTimeout} in the JDBC URL: that would bound every statement of the shared
 * pool, including Flyway's migrations, invoice drafting and finalising ({@code POST} admin operations that may rightly
 * run for minutes) and the usage ledger's writer. A server-side {@code statement_timeout} never fires while the server
 * itself is stalled, and the driver's query timeout needs the stalled server to accept a cancel request. Admin writes
 * are therefore not bounded here. Reads that legitimately need longer than the bound (a very large usage report) fail
 * with the same 503: raise the setting then.
 *
 * <p>Thread safety: stateless apart from the immutable timeout; Agroal calls the hooks on the thread that takes or
 * returns the connection.
 */
@ApplicationScoped
public class DatabaseReadTimeout implements AgroalPoolInterceptor {

    /** The PostgreSQL driver ignores the executor; the JDBC contract only wants a non-null one. */
    private static final Executor DIRECT = Runnable::run;

    @Inject
    CurrentVertxRequest request;

    private final int timeoutMillis;

    /**
     * @param config {@code gateway.database.read-timeout}: positive, at most {@link Integer#MAX_VALUE} ms; anything
     *     else stops start-up
     */
    @Inject
    public DatabaseReadTimeout(DataPathConfig config) {
        Duration timeout = config.database().readTimeout();
        if (timeout.isNegative() || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "gateway.database.read-timeout must be at least 1 ms and at most 24 days, was " + timeout);
        }
        this.timeoutMillis = (int) timeout.toMillis();
    }

    @Override
    public void onConnectionAcquire(Connection connection) {
        if (!inBoundedRead()) {
            return;
        }
        try {
            connection.setNetworkTimeout(DIRECT, timeoutMillis);
        } catch (SQLException e) {
            // A connection that cannot take the setting is broken; its first statement fails and the pool drops it.
            Log.debugf("could not bound a read connection: %s", e.getMessage());
        }
    }

    @Override
    public void onConnectionReturn(Connection connection) {
        // Agroal does not reset the network timeout on return; later users of the connection (the ledger's writer,
        // invoice drafting) must not inherit it.
        try {
            if (connection.getNetworkTimeout() == timeoutMillis) {
                connection.setNetworkTimeout(DIRECT, 0);
            }
        } catch (SQLException e) {
            // Broken connection: the pool discards it.
        }
    }

    private boolean inBoundedRead() {
        if (!Arc.container().requestContext().isActive()) {
            return false;
        }
        RoutingContext rc = request.getCurrent();
        if (rc == null) {
            return false;
        }
        HttpMethod method = rc.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return false;
        }
        String path = rc.request().path();
        return path != null && (path.startsWith("/v1/") || path.startsWith("/admin/"));
    }
}
