package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.util.List;

/**
 * Every limit that applies to one request: per-minute rate limits and pools (budgets of a period, concurrency
 * limits), at key, project and tenant level, per model where set, enforced or in shadow mode.
 *
 * @param rates rate limits
 * @param pools budgets and concurrency limits
 */
public record QuotaPolicy(List<RateSpec> rates, List<PoolSpec> pools) {

    /** No limits at all. */
    public static final QuotaPolicy NONE = new QuotaPolicy(List.of(), List.of());

    public QuotaPolicy {
        rates = List.copyOf(rates);
        pools = List.copyOf(pools);
    }
}
