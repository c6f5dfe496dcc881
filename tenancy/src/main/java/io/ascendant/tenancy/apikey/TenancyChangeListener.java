package io.ascendant.tenancy.apikey;

import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens to the PostgreSQL channels {@value #AUTH_CHANNEL} and {@value #LIMITS_CHANNEL} on a dedicated connection
 * (not from the pool) and hands each notification to a handler. The database triggers of V010/V011 send them on every
 * change of a key's auth columns, a tenant's status or a project's status, and on limit changes.
 *
 * <p>Latency: the listener polls with {@code pollInterval} (default 200 ms), so a change reaches every replica well
 * within one second. If the connection drops, {@code onReconnect} runs after re-listening (callers drop their whole
 * cache, because notifications may have been missed) and the listener retries every second.
 *
 * <p>Threading: one platform daemon thread per listener; handlers run on it and must not block for long.
 */
public final class TenancyChangeListener implements AutoCloseable {

    /** Channel of authentication-relevant changes; payload {@code key:<publicId>}, {@code tenant:<id>}, {@code project:<id>}. */
    public static final String AUTH_CHANNEL = "tenancy_auth";

    /** Channel of limit changes; payload {@code <scope>:<ownerId>} with scope plan, tenant, project or key. */
    public static final String LIMITS_CHANNEL = "tenancy_limits";

    private final String jdbcUrl;
    private final Properties props;
    private final Duration pollInterval;
    private final BiConsumer<String, String> handler;
    private final Runnable onReconnect;
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Connection connection;
    private Thread thread;

    /**
     * @param handler receives (channel, payload)
     * @param onReconnect runs each time LISTEN is (re-)established, including the first time
     */
    public TenancyChangeListener(
            String jdbcUrl,
            String user,
            String password,
            Duration pollInterval,
            BiConsumer<String, String> handler,
            Runnable onReconnect) {
        this.jdbcUrl = jdbcUrl;
        this.props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "ascendant-tenancy-listener");
        this.pollInterval = pollInterval;
        this.handler = handler;
        this.onReconnect = onReconnect;
    }

    /** Starts the listener thread. */
    public synchronized TenancyChangeListener start() {
        thread = Thread.ofPlatform().daemon().name("tenancy-change-listener").start(this::run);
        return this;
    }

    /** Waits until LISTEN is active (for start-up ordering and tests). */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        return listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        int pollMillis = (int) Math.max(10, pollInterval.toMillis());
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + AUTH_CHANNEL);
                    st.execute("LISTEN " + LIMITS_CHANNEL);
                }
                onReconnect.run();
                listening.countDown();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications(pollMillis);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification n : notes) {
                        try {
                            handler.accept(n.getName(), n.getParameter());
                        } catch (RuntimeException e) {
                            Log.warnf(e, "tenancy change handler failed for %s %s", n.getName(), n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                Log.warnf("tenancy change listener lost its connection (%s); retrying in 1 s", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
