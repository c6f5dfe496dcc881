package io.ascendant.gateway.quota;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Wraps a DataSource and counts database round trips: every statement execution, commit and rollback (the
 * PostgreSQL driver sends {@code BEGIN} together with the first statement of a transaction, so it is not one).
 */
final class RoundTripCounter {

    private static final Set<String> TRIPS =
            Set.of("execute", "executeQuery", "executeUpdate", "executeBatch", "executeLargeUpdate");

    private final LongAdder trips = new LongAdder();

    long trips() {
        return trips.sum();
    }

    DataSource wrap(DataSource ds) {
        return proxy(DataSource.class, ds, (target, m, args) -> {
            Object r = m.invoke(target, args);
            return m.getName().equals("getConnection") ? connection((Connection) r) : r;
        });
    }

    private Connection connection(Connection c) {
        return proxy(Connection.class, c, (target, m, args) -> {
            String n = m.getName();
            if (n.equals("commit") || n.equals("rollback")) {
                trips.increment();
            }
            Object r = m.invoke(target, args);
            if (r instanceof PreparedStatement ps) {
                return statement(PreparedStatement.class, ps);
            }
            if (r instanceof Statement s) {
                return statement(Statement.class, s);
            }
            return r;
        });
    }

    private <T> T statement(Class<T> type, T s) {
        return proxy(type, s, (target, m, args) -> {
            if (TRIPS.contains(m.getName())) {
                trips.increment();
            }
            return m.invoke(target, args);
        });
    }

    private interface Call {
        Object call(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler h = (p, m, args) -> {
            try {
                return call.call(target, m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(RoundTripCounter.class.getClassLoader(), new Class<?>[] {type}, h);
    }
}
