package io.ascendant.gateway.quota.lease;

import io.ascendant.gateway.quota.budget.PeriodKind;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A pool that requests hold amounts from: a money or token budget of a period, or a concurrency limit.
 *
 * @param key stable identity, e.g. {@code budget-money:tenant:<uuid>:*} (also the key of {@code quota_account})
 * @param unit what the amounts count
 * @param currency ISO 4217 code for {@link Unit#MONEY}, else null
 * @param limit the limit per period, ≥ 0
 * @param period reset cycle ({@link PeriodKind#NONE} for concurrency)
 * @param shadow true when the limit is on trial: a would-be refusal is only logged
 * @param label human name used in errors and headers, e.g. {@code tenant monthly budget}
 */
public record PoolSpec(
        String key, Unit unit, String currency, BigDecimal limit, PeriodKind period, boolean shadow, String label) {

    public PoolSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(label, "label");
        if (limit.signum() < 0) {
            throw new IllegalArgumentException("limit of " + key + " must be >= 0");
        }
        if ((unit == Unit.MONEY) != (currency != null)) {
            throw new IllegalArgumentException("a currency is required exactly for money pools: " + key);
        }
    }

    /** What a pool's amounts count. */
    public enum Unit {
        MONEY,
        TOKENS,
        REQUESTS
    }
}
