package io.ascendant.billing.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * SPI for modules that must change state in the same database transaction that makes usage rows durable (the
 * quota module settles its holds here, exactly once).
 *
 * <p>Implement it as an {@code @ApplicationScoped} CDI bean; the ledger's group-commit writer calls every
 * participant once per batch, after the batch's rows are inserted and before commit, on the writer thread. {@code
 * rows} holds only the rows newly inserted by this batch: replays of an existing request id are never passed, so a
 * participant sees each request id at most once, ever. Use {@code c} as given (no commit, rollback, close or
 * auto-commit change). An exception rolls back the whole batch, which the writer retries; callers of
 * {@link UsageLedger#record} only return after a successful commit. Keep the work set-based (one statement per batch,
 * not per row): batches hold up to {@code billing.ledger.max-batch-size} rows.
 */
public interface LedgerTransactionParticipant {

    /**
     * Called inside the ledger batch transaction.
     *
     * @param c the batch's connection, in a transaction
     * @param rows the newly inserted, rated rows of this batch, in no particular order
     * @throws SQLException to roll the batch back
     */
    void onRowsCommitting(Connection c, List<RatedUsage> rows) throws SQLException;
}
