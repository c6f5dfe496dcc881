package io.ascendant.admin.problem;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/**
 * Recognises a failure that means "PostgreSQL did not answer in time or cannot be reached", as opposed to a bug or bad
 * input, anywhere in an exception's cause chain (Hibernate, JPA, JTA and our own JDBC code wrap the driver's and the
 * pool's exceptions). Such failures are answered 503 with {@code Retry-After} by {@link ProblemMappers}, never 500.
 *
 * <p>What counts: a {@link SQLException} in SQL state class {@code 08} (connection exception: the PostgreSQL driver
 * reports a network timeout or a broken socket as {@code 08006}), {@code 57014} (statement cancelled, e.g. by {@code
 * statement_timeout}), {@code 57P01}-{@code 57P03} (server shutting down or not yet accepting connections) or {@code
 * 55P03} (lock not available); a {@link SQLTransientConnectionException} or {@link SQLTimeoutException}; the Agroal
 * pool's acquisition timeout (a plain {@link SQLException} without SQL state whose message names the acquisition
 * timeout); a {@link SocketTimeoutException}; and the JPA/Hibernate query and lock timeouts, whatever they wrap.
 *
 * <p>Thread safety: stateless.
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {}

    /**
     * @param e any exception, possibly {@code null}
     * @return whether {@code e} or one of its causes says the database is unavailable (see the class comment)
     */
    public static boolean in(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLTimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof jakarta.persistence.QueryTimeoutException
                    || t instanceof jakarta.persistence.LockTimeoutException
                    || t instanceof org.hibernate.exception.JDBCConnectionException
                    || t instanceof org.hibernate.QueryTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && unavailable(sql)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean unavailable(SQLException e) {
        String state = e.getSQLState();
        if (state != null) {
            return state.startsWith("08")
                    || state.equals("57014")
                    || state.equals("57P01")
                    || state.equals("57P02")
                    || state.equals("57P03")
                    || state.equals("55P03");
        }
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("acquisition timeout");
    }
}
