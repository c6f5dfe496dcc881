package io.ascendant.gateway.quota;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Admission on the calling event loop when it needs nothing from PostgreSQL: under {@link #attempt}, anything that
 * would open a database connection (a lease, an account opening, a heartbeat, an event row) or resolve limits that
 * are not cached, or wait for a lease lock a worker holds, throws {@link WouldBlock} instead; the engine undoes what it had taken (as for a refusal) and the
 * caller repeats the admission on a worker thread. Most requests find their leases and limits in memory and so avoid
 * two thread hand-offs.
 */
public final class NonBlockingAdmission {

    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

    /** Thrown under {@link #attempt} where admission would block; carries no stack trace. */
    public static final class WouldBlock extends RuntimeException {
        public WouldBlock(String what) {
            super(what, null, false, false);
        }
    }

    private NonBlockingAdmission() {}

    /** Runs {@code admission} with blocking forbidden on this thread. */
    static <T> T attempt(Supplier<T> admission) {
        ACTIVE.set(Boolean.TRUE);
        try {
            return admission.get();
        } finally {
            ACTIVE.remove();
        }
    }

    /** Whether the current thread is in an {@link #attempt}. */
    public static boolean active() {
        return ACTIVE.get() == Boolean.TRUE;
    }

    /**
     * Call before anything that blocks.
     *
     * @throws WouldBlock inside an {@link #attempt}
     */
    public static void mayBlock(String what) {
        if (active()) {
            throw new WouldBlock(what);
        }
    }

    /**
     * Locks {@code lock}; inside an {@link #attempt} only if it is free at once (its holder may be a worker waiting
     * on PostgreSQL), else {@link WouldBlock}.
     */
    public static void lock(Lock lock) {
        if (!active()) {
            lock.lock();
        } else if (!lock.tryLock()) {
            throw new WouldBlock("lease busy");
        }
    }

    /** {@code ds} with {@link #mayBlock} before every connection it hands out. */
    static DataSource guarded(DataSource ds) {
        return new DelegatingDataSource(ds) {
            @Override
            public Connection getConnection() throws SQLException {
                mayBlock("database connection");
                return delegate.getConnection();
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                mayBlock("database connection");
                return delegate.getConnection(user, password);
            }
        };
    }
}
