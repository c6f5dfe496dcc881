package io.ascendant.billing.ledger;

import io.ascendant.billing.BillingConfig;
import io.ascendant.billing.pricebook.PriceBookService;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;

/**
 * The usage ledger (contract 2): the one place metered usage enters billing.
 *
 * <p>{@link #record(UsageEvent)} rates the event and returns only after the row is committed to PostgreSQL in a
 * group commit (see {@link GroupCommitWriter}); it blocks the calling thread for about one commit (call it from a
 * worker or virtual thread, never an event loop). Recording the same request id again is a no-op that returns the
 * original rating with {@code replayed = true}: a request is never charged twice. Every {@link
 * LedgerTransactionParticipant} bean is called inside the batch transaction with the newly inserted rows.
 */
@ApplicationScoped
@Startup
public class UsageLedger {

    private final DataSource dataSource;
    private final BillingConfig config;
    private final PriceBookService prices;
    private final Instance<LedgerTransactionParticipant> participants;
    private GroupCommitWriter writer;

    @Inject
    public UsageLedger(
            DataSource dataSource,
            BillingConfig config,
            PriceBookService prices,
            @Any Instance<LedgerTransactionParticipant> participants) {
        this.dataSource = dataSource;
        this.config = config;
        this.prices = prices;
        this.participants = participants;
    }

    @PostConstruct
    void start() {
        List<LedgerTransactionParticipant> ps = participants.stream().toList();
        BillingConfig.Ledger l = config.ledger();
        writer = new GroupCommitWriter(
                dataSource::getConnection,
                prices::current,
                () -> ps,
                new GroupCommitWriter.Settings(
                        l.maxBatchSize(),
                        l.queueCapacity(),
                        l.synchronousCommit(),
                        l.recordTimeout(),
                        l.maxAttempts(),
                        config.defaultCurrency(),
                        l.writers(),
                        l.linger()));
    }

    @PreDestroy
    void stop() {
        close();
    }

    /**
     * Stops accepting events and commits what is queued (waits up to 30 s); idempotent. The gateway calls it at
     * shutdown before any bean is destroyed, so the last rows are written while the datasource is still open (a
     * {@code @PreDestroy} alone may run after the datasource's). Later {@link #submit}s fail with {@link
     * LedgerWriteException}; lookups keep working.
     */
    public void close() {
        writer.close();
    }

    /**
     * Rates and durably records one request's usage.
     *
     * @param e the usage event
     * @return the rating; for a request id already recorded, the original rating with {@code replayed = true}
     * @throws LedgerWriteException when the row could not be committed within {@code billing.ledger.record-timeout}
     */
    public RatedUsage record(UsageEvent e) {
        return writer.record(e);
    }

    /**
     * Rates and durably records one request's usage without blocking the caller: the event joins the next group
     * commit and the returned stage completes once it is committed. Same rating and idempotency as {@link
     * #record(UsageEvent)}. What is chained onto the stage runs on the ledger's writer thread, so keep it short and
     * never block in it.
     *
     * @param e the usage event
     * @return the rating, or a failure: {@link LedgerWriteException} when the ledger is shut down, its queue is full
     *     or the write failed; {@link java.util.concurrent.TimeoutException} when nothing was committed within {@code
     *     billing.ledger.record-timeout} (the row may still be committed later; submitting again is safe)
     */
    public CompletionStage<RatedUsage> submit(UsageEvent e) {
        return writer.submit(e);
    }

    /** The stored rating of a request id, if recorded. */
    public Optional<RatedUsage> find(String requestId) {
        try (Connection c = dataSource.getConnection()) {
            return Optional.ofNullable(
                    LedgerSql.findByRequestIds(c, List.of(requestId), false).get(requestId));
        } catch (SQLException e) {
            throw new IllegalStateException("usage ledger lookup failed: " + e.getSQLState(), e);
        }
    }

    /**
     * A tenant's usage rows found by either of a request's ids: the gateway's own id (the row's key, returned in
     * {@code x-ascendant-request-id}) or the client's {@code x-request-id}, which clients may reuse, so several rows
     * can match. Ordered by start time, oldest first; empty when none matches.
     */
    public List<RatedUsage> findByEitherId(UUID tenantId, String id) {
        try (Connection c = dataSource.getConnection()) {
            return LedgerSql.findByEitherId(c, tenantId, id);
        } catch (SQLException e) {
            throw new IllegalStateException("usage ledger lookup failed: " + e.getSQLState(), e);
        }
    }

    /**
     * Usage rows of every tenant found by either id, as {@link #findByEitherId(UUID, String)} but not limited to one
     * tenant (platform-wide support look-ups; two tenants may have used the same client id). Oldest first. A gateway id
     * is found through the primary key; the client id has no index of its own, so that half of the query reads the
     * whole ledger: prefer {@link #findByEitherId(UUID, String)} when the tenant is known.
     */
    public List<RatedUsage> findByEitherIdInAnyTenant(String id) {
        try (Connection c = dataSource.getConnection()) {
            return LedgerSql.findByEitherIdInAnyTenant(c, id);
        } catch (SQLException e) {
            throw new IllegalStateException("usage ledger lookup failed: " + e.getSQLState(), e);
        }
    }
}
