package io.ascendant.gateway.quota.lease;

import io.ascendant.gateway.quota.QuotaStoreException;
import io.ascendant.gateway.quota.budget.BudgetPeriod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * SQL of pool accounts and replica leases ({@code quota_account}, {@code quota_lease}).
 *
 * <p>Every transaction that changes an account locks the account row first ({@code SELECT .. FOR UPDATE}, in
 * ascending id order when there are several) and the lease rows after it. Grants, returns, settlements and the
 * sweeper all follow that order, so they cannot deadlock one another. A grant checks and moves the counters under
 * the row lock, which is what makes {@code committed + reserved <= limit} hold with any number of replicas.
 *
 * <p>An account's {@code limit_amount} is the limit of the replica that asked last: every grant writes the limit its
 * replica applies now, under the row lock, and commits it even when it refuses. A replica keeps one local pool per
 * limit ({@code LocalLeases}), so a budget changed back to a value it had earlier in the period opens no account
 * ({@link #ensureAccount}); without the grant's write, the row would keep the value it was changed from, and a budget
 * raised back after a refusal would go on refusing until the replica restarts.
 */
public final class AccountStore {

    private static final String UPDATE_LIMIT =
            "UPDATE quota_account SET limit_amount = ? WHERE pool_key = ? AND period_start = ? RETURNING id";
    private static final String OPEN_ACCOUNT = "INSERT INTO quota_account AS a "
            + "(pool_key, period_start, period_end, unit, currency, limit_amount, committed) "
            + "VALUES (?, ?, ?, ?, ?, ?, %s) "
            + "ON CONFLICT (pool_key, period_start) DO UPDATE SET limit_amount = EXCLUDED.limit_amount "
            + "RETURNING id";
    private static final String LOCK =
            "SELECT limit_amount, committed, reserved FROM quota_account WHERE id = ? FOR UPDATE";
    private static final String SET_LIMIT = "UPDATE quota_account SET limit_amount = ? WHERE id = ?";
    private static final String RESERVE = "UPDATE quota_account SET reserved = reserved + ? WHERE id = ?";
    private static final String LEASE_ADD = "INSERT INTO quota_lease AS l (account_id, replica_id, amount) "
            + "VALUES (?, ?, ?) ON CONFLICT (account_id, replica_id) DO UPDATE "
            + "SET amount = l.amount + EXCLUDED.amount, updated_at = now()";
    private static final String LEASE_TAKE = "UPDATE quota_lease SET amount = amount - ?, updated_at = now() "
            + "WHERE account_id = ? AND replica_id = ? AND amount >= ?";
    private static final String UNRESERVE = "UPDATE quota_account SET reserved = reserved - ? WHERE id = ?";
    private static final String READ = "SELECT limit_amount, committed, reserved FROM quota_account WHERE id = ?";

    private static final String SETTLED = "SELECT 1 FROM quota_settlement WHERE request_id = ? AND account_id = ?";

    private final DataSource dataSource;

    /** A store on {@code dataSource} (PostgreSQL with migration V060 applied). */
    public AccountStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The account of {@code spec} for {@code period}, created when missing; the stored limit is set to the spec's
     * (a changed limit applies to the current period from now on).
     *
     * <p>A money or token budget opened in the middle of its period starts with what the owner already used in it:
     * its {@code committed} is the sum of the usage ledger's rows of the owner named by the pool key (tenant, project
     * or key), of its model ({@code *} = all models), that started in {@code [period.start, period.end)}, computed
     * in the statement that inserts the account. Money sums the rated {@code amount} in the pool's currency; tokens
     * sum prompt (cache hit + miss) plus output tokens, as settlement counts them. Two replicas opening the same
     * account at once insert it once ({@code ON CONFLICT}); the loser keeps the winner's opening sum. An account that
     * exists is only updated (no ledger read), so this costs the database once per account opening.
     *
     * @param tenantId the tenant the pool belongs to (narrows the ledger read to the tenant's index range); null, or
     *     a pool key that names no owner (concurrency pools, tests' synthetic keys), opens the account empty
     * @return the account id
     */
    public long ensureAccount(PoolSpec spec, BudgetPeriod period, UUID tenantId) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(UPDATE_LIMIT)) {
                ps.setBigDecimal(1, spec.limit());
                ps.setString(2, spec.key());
                ps.setTimestamp(3, Timestamp.from(period.start()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            LedgerScope scope = tenantId == null ? null : LedgerScope.of(spec);
            String opening = scope == null ? "0" : scope.sumSql(spec.unit());
            try (PreparedStatement ps = c.prepareStatement(OPEN_ACCOUNT.formatted(opening))) {
                ps.setString(1, spec.key());
                ps.setTimestamp(2, Timestamp.from(period.start()));
                ps.setTimestamp(3, Timestamp.from(period.end()));
                ps.setString(4, spec.unit().name());
                ps.setString(5, spec.currency());
                ps.setBigDecimal(6, spec.limit());
                if (scope != null) {
                    scope.bind(ps, 7, tenantId, spec, period);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("pool " + spec.key() + ": account lookup failed", e);
        }
    }

    /**
     * Leases a slice of an account to a replica: at least {@code need}, at most {@code want}, and at most
     * {@code headroomShare} of the headroom beyond {@code need}, so slices shrink towards a single request as the
     * account fills up. Refused (granted 0) when even {@code need} does not fit.
     *
     * <p>The account takes {@code limit} first, under the row lock, whether or not the grant is refused: the check uses
     * the limit the replica applies now, never one that an earlier change left in the row.
     *
     * @param limit the limit of the account as the replica applies it now (its pool's spec)
     * @param headroomShare fraction (0..1] of the remaining headroom one grant may take
     * @param integral whether amounts are whole units (tokens, requests): the extra share is rounded down
     * @return the amount granted (0 when refused) and the account as it stands after the grant
     */
    public Grant grant(
            long accountId,
            BigDecimal limit,
            UUID replicaId,
            BigDecimal need,
            BigDecimal want,
            BigDecimal headroomShare,
            boolean integral) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                AccountSnapshot s = lock(c, accountId);
                if (s.limit().compareTo(limit) != 0) {
                    try (PreparedStatement ps = c.prepareStatement(SET_LIMIT)) {
                        ps.setBigDecimal(1, limit);
                        ps.setLong(2, accountId);
                        ps.executeUpdate();
                    }
                    s = new AccountSnapshot(limit, s.committed(), s.reserved());
                }
                BigDecimal headroom = s.headroom();
                if (headroom.compareTo(need) < 0) {
                    c.commit(); // keeps the limit written above: a refusal still applies the current limit
                    return new Grant(BigDecimal.ZERO, s);
                }
                BigDecimal share = headroom.subtract(need).multiply(headroomShare);
                if (integral) {
                    share = share.setScale(0, RoundingMode.FLOOR);
                }
                BigDecimal amount = need.add(share.min(want.subtract(need).max(BigDecimal.ZERO)));
                if (amount.compareTo(headroom) > 0) {
                    amount = headroom;
                }
                try (PreparedStatement ps = c.prepareStatement(RESERVE)) {
                    ps.setBigDecimal(1, amount);
                    ps.setLong(2, accountId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(LEASE_ADD)) {
                    ps.setLong(1, accountId);
                    ps.setObject(2, replicaId);
                    ps.setBigDecimal(3, amount);
                    ps.executeUpdate();
                }
                c.commit();
                return new Grant(
                        amount,
                        new AccountSnapshot(
                                s.limit(), s.committed(), s.reserved().add(amount)));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("account " + accountId + ": grant failed", e);
        }
    }

    /**
     * Gives back an unspent part of a replica's lease. A lease the sweeper already released (the replica was
     * declared dead) is left alone: its amount went back to the account then.
     *
     * @return whether the lease existed and was reduced
     */
    public boolean giveBack(long accountId, UUID replicaId, BigDecimal amount) {
        if (amount.signum() <= 0) {
            return true;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                lock(c, accountId);
                int n;
                try (PreparedStatement ps = c.prepareStatement(LEASE_TAKE)) {
                    ps.setBigDecimal(1, amount);
                    ps.setLong(2, accountId);
                    ps.setObject(3, replicaId);
                    ps.setBigDecimal(4, amount);
                    n = ps.executeUpdate();
                }
                if (n == 1) {
                    try (PreparedStatement ps = c.prepareStatement(UNRESERVE)) {
                        ps.setBigDecimal(1, amount);
                        ps.setLong(2, accountId);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return n == 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("account " + accountId + ": give-back failed", e);
        }
    }

    /** The account as it stands (no lock). */
    public AccountSnapshot read(long accountId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new QuotaStoreException("account " + accountId + " does not exist");
                }
                return new AccountSnapshot(rs.getBigDecimal(1), rs.getBigDecimal(2), rs.getBigDecimal(3));
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("account " + accountId + ": read failed", e);
        }
    }

    /** Whether the hold of {@code requestId} on {@code accountId} has been settled (committed). */
    public boolean isSettled(String requestId, long accountId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SETTLED)) {
            ps.setString(1, requestId);
            ps.setLong(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new QuotaStoreException("account " + accountId + ": settlement lookup failed", e);
        }
    }

    private static AccountSnapshot lock(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("account " + accountId + " does not exist");
                }
                return new AccountSnapshot(rs.getBigDecimal(1), rs.getBigDecimal(2), rs.getBigDecimal(3));
            }
        }
    }

    /**
     * Whose ledger rows a budget pool counts (a key pool: its lineage root's and every key rotated from it), read from
     * its key
     * {@code [shadow-]<money|tokens>:<tenant|project|key>:<owner uuid>:<model or *>:<DAY|MONTH>}.
     *
     * @param ownerColumn the {@code usage_ledger} column of the owner level
     * @param owner the owner's id
     * @param model the model, or {@code *} for all models
     */
    record LedgerScope(String ownerColumn, UUID owner, String model) {

        /** The scope of a money or token budget pool, or null for other pools and keys of another shape. */
        static LedgerScope of(PoolSpec spec) {
            if (spec.unit() == PoolSpec.Unit.REQUESTS) {
                return null;
            }
            String key = spec.key().startsWith("shadow-") ? spec.key().substring("shadow-".length()) : spec.key();
            String[] head = key.split(":", 4);
            int lastColon = head.length == 4 ? head[3].lastIndexOf(':') : -1;
            if (lastColon <= 0) {
                return null;
            }
            String column = switch (head[1]) {
                case "tenant" -> "tenant_id";
                case "project" -> "project_id";
                case "key" -> "key_id";
                default -> null;
            };
            if (column == null) {
                return null;
            }
            UUID owner;
            try {
                owner = UUID.fromString(head[2]);
            } catch (IllegalArgumentException e) {
                return null;
            }
            return new LedgerScope(column, owner, head[3].substring(0, lastColon));
        }

        /**
         * The scalar subquery of the opening sum. {@code billing_day} (the local date of {@code finished_at}, which is
         * never before {@code started_at}) is bounded a day below the period start in UTC so the tenant/day index
         * serves the read whatever the tenant's time zone.
         */
        String sumSql(PoolSpec.Unit unit) {
            String what = unit == PoolSpec.Unit.MONEY
                    ? "u.amount"
                    : "u.cache_hit_tokens + u.cache_miss_tokens + u.output_tokens";
            // A key pool's owner is the root of a rotation lineage (QuotaPolicies): it counts every key rotated from
            // it.
            String owner = ownerColumn.equals("key_id")
                    ? " IN (WITH RECURSIVE lineage(id) AS (SELECT CAST(? AS uuid) UNION ALL SELECT k.id FROM api_key k"
                            + " JOIN lineage l ON k.rotated_from = l.id) SELECT id FROM lineage)"
                    : " = ?";
            return "(SELECT coalesce(sum(" + what + "), 0) FROM usage_ledger u WHERE u.tenant_id = ?"
                    + " AND u.billing_day >= ? AND u.started_at >= ? AND u.started_at < ? AND u." + ownerColumn
                    + owner + (model.equals("*") ? "" : " AND u.model = ?")
                    + (unit == PoolSpec.Unit.MONEY ? " AND u.currency = ?" : "") + ")";
        }

        /** Binds the subquery's parameters from {@code index} on. */
        void bind(PreparedStatement ps, int index, UUID tenantId, PoolSpec spec, BudgetPeriod period)
                throws SQLException {
            int i = index;
            ps.setObject(i++, tenantId);
            ps.setObject(
                    i++, LocalDate.ofInstant(period.start(), ZoneOffset.UTC).minusDays(1));
            ps.setTimestamp(i++, Timestamp.from(period.start()));
            ps.setTimestamp(i++, Timestamp.from(period.end()));
            ps.setObject(i++, owner);
            if (!model.equals("*")) {
                ps.setString(i++, model);
            }
            if (spec.unit() == PoolSpec.Unit.MONEY) {
                ps.setString(i, spec.currency());
            }
        }
    }

    /**
     * The outcome of a grant.
     *
     * @param granted amount added to the replica's lease, 0 when refused
     * @param account the account after the grant (or as found, when refused)
     */
    public record Grant(BigDecimal granted, AccountSnapshot account) {
        /** Whether anything was granted. */
        public boolean allowed() {
            return granted.signum() > 0;
        }
    }
}
