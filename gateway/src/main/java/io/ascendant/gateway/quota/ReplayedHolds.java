package io.ascendant.gateway.quota;

import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.quota.lease.Settlement;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Budget holds of requests whose usage is replayed from the usage journal of an earlier run: restored before the
 * replayed row reaches the ledger, turned into the same {@link Settlement}s a live ticket would give (lease and
 * reserved shrink by the hold if the lease still exists, committed grows by the actual), forgotten afterwards.
 */
final class ReplayedHolds {

    private record Replayed(UUID tenantId, List<HeldBudget> holds) {}

    private final Map<String, Replayed> byRequest = new ConcurrentHashMap<>();

    void restore(String requestId, UUID tenantId, List<HeldBudget> holds) {
        byRequest.put(requestId, new Replayed(tenantId, List.copyOf(holds)));
    }

    void forget(String requestId) {
        byRequest.remove(requestId);
    }

    /**
     * Adds the settlements of {@code row}'s restored holds to {@code out}.
     *
     * @return whether {@code row} had restored holds
     */
    boolean settlementsOf(LedgerRow row, List<Settlement> out) {
        Replayed r = byRequest.get(row.requestId());
        if (r == null) {
            return false;
        }
        for (HeldBudget h : r.holds()) {
            BigDecimal actual = h.money() ? (row.priced() ? row.amount() : h.held()) : BigDecimal.valueOf(row.tokens());
            out.add(new Settlement(row.requestId(), r.tenantId(), h.accountId(), h.replicaId(), h.held(), actual));
        }
        return true;
    }
}
