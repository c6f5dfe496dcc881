package io.ascendant.billing;

import io.ascendant.billing.ledger.LedgerTransactionParticipant;
import io.ascendant.billing.ledger.RatedUsage;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test participant: counts how often it sees each request id, and checks from inside the batch transaction that
 * the row is visible on the given connection and that the connection is in a transaction.
 */
@ApplicationScoped
public class RecordingParticipant implements LedgerTransactionParticipant {

    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final Map<String, Boolean> visibleInTransaction = new ConcurrentHashMap<>();

    /** How many times a request id was passed to the participant. */
    public int timesSeen(String requestId) {
        AtomicInteger n = seen.get(requestId);
        return n == null ? 0 : n.get();
    }

    /** Whether the row was visible on the batch connection, inside a transaction, when the participant ran. */
    public boolean visibleInTransaction(String requestId) {
        return visibleInTransaction.getOrDefault(requestId, false);
    }

    @Override
    public void onRowsCommitting(Connection c, List<RatedUsage> rows) throws SQLException {
        boolean inTx = !c.getAutoCommit();
        String[] ids = rows.stream().map(RatedUsage::requestId).toArray(String[]::new);
        int visible;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM usage_ledger WHERE request_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("varchar", ids));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                visible = rs.getInt(1);
            }
        }
        for (RatedUsage r : rows) {
            seen.computeIfAbsent(r.requestId(), k -> new AtomicInteger()).incrementAndGet();
            visibleInTransaction.put(r.requestId(), inTx && visible == ids.length);
        }
    }
}
