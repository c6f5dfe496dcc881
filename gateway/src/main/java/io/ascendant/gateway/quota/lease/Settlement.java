package io.ascendant.gateway.quota.lease;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.UUID;

/**
 * One hold to settle: the amount a request held in an account (carved from {@code replicaId}'s lease) and the
 * actual amount it used.
 *
 * @param requestId the request (the ledger's key)
 * @param tenantId the tenant that owns the account (for threshold events)
 * @param accountId the account the hold belongs to (and so its period)
 * @param replicaId the replica whose lease the hold was carved from
 * @param held the amount held, ≥ 0 (0 when the hold was already released locally)
 * @param actual the actual usage, ≥ 0 (may exceed {@code held})
 */
public record Settlement(
        String requestId, UUID tenantId, long accountId, UUID replicaId, BigDecimal held, BigDecimal actual) {

    public Settlement {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(replicaId, "replicaId");
        Objects.requireNonNull(held, "held");
        Objects.requireNonNull(actual, "actual");
        if (held.signum() < 0 || actual.signum() < 0) {
            throw new IllegalArgumentException("held and actual must be >= 0 for request " + requestId);
        }
    }
}
