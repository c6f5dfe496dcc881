package io.ascendant.gateway.quota.lease;

import java.math.BigDecimal;

/**
 * The state of a pool's account as last seen in the database.
 *
 * @param limit the limit of the period
 * @param committed settled (actual) usage of the period
 * @param reserved held by all replicas' leases (unspent slices plus in-flight holds)
 */
public record AccountSnapshot(BigDecimal limit, BigDecimal committed, BigDecimal reserved) {

    /** What can still be leased: {@code limit - committed - reserved}, never below zero. */
    public BigDecimal headroom() {
        BigDecimal h = limit.subtract(committed).subtract(reserved);
        return h.signum() < 0 ? BigDecimal.ZERO : h;
    }
}
