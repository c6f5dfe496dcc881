package io.ascendant.gateway.quota.ratelimit;

import io.ascendant.gateway.quota.QuotaStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The shared GCRA state of rate limits ({@code quota_rate}): one row per limit key holding the theoretical arrival
 * time. Leasing locks the row ({@code INSERT .. ON CONFLICT DO UPDATE .. RETURNING}, which also gives back cells in
 * the same statement), decides with {@link Gcra#lease} and writes the new time: three round trips in one short
 * transaction, paid once per lease, not per request.
 */
public final class RateStore {

    private static final String LOCK_AND_GIVE_BACK = "INSERT INTO quota_rate AS r (limit_key, tat_nanos) VALUES (?, ?) "
            + "ON CONFLICT (limit_key) DO UPDATE SET tat_nanos = r.tat_nanos - ? RETURNING tat_nanos";
    private static final String WRITE = "UPDATE quota_rate SET tat_nanos = ? WHERE limit_key = ?";
    private static final String GIVE_BACK = "UPDATE quota_rate SET tat_nanos = tat_nanos - ? WHERE limit_key = ?";

    private final DataSource dataSource;

    /** A store on {@code dataSource} (PostgreSQL with migration V060 applied). */
    public RateStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Gives back {@code returnCells} unused cells and leases between {@code need} and {@code want} new ones.
     *
     * @param key the limit's key
     * @param gcra the limit's arithmetic
     * @param now current time, epoch ns
     * @param returnCells cells leased before and not used (≥ 0)
     * @param need cells required now
     * @param want cells wanted
     * @return the decision; also carries the stored TAT for headers
     * @throws QuotaStoreException when the database cannot be reached
     */
    public Gcra.Decision lease(String key, Gcra gcra, long now, long returnCells, long need, long want) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long tat;
                try (PreparedStatement ps = c.prepareStatement(LOCK_AND_GIVE_BACK)) {
                    ps.setString(1, key);
                    ps.setLong(2, now);
                    ps.setLong(3, returnCells * gcra.intervalNanos());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        tat = rs.getLong(1);
                    }
                }
                Gcra.Decision d = gcra.lease(tat, now, need, want);
                if (d.allowed() || returnCells > 0) {
                    try (PreparedStatement ps = c.prepareStatement(WRITE)) {
                        ps.setLong(1, d.newTat());
                        ps.setString(2, key);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return d;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("rate limit " + key + ": lease failed", e);
        }
    }

    /**
     * Gives back cells (positive) or charges extra cells (negative), e.g. the difference between the tokens
     * reserved for a request and those it used.
     */
    public void adjust(String key, Gcra gcra, long cellsBack) {
        if (cellsBack == 0) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(GIVE_BACK)) {
            ps.setLong(1, cellsBack * gcra.intervalNanos());
            ps.setString(2, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new QuotaStoreException("rate limit " + key + ": adjust failed", e);
        }
    }
}
