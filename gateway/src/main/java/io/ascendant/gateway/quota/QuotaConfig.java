package io.ascendant.gateway.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Settings of rate limits and hard budgets ({@code gateway.quota.*}); docs/quotas.md explains each in the context
 * of the lease protocol. Invalid combinations (fence not shorter than dead-after, headroom share outside (0, 1]) stop
 * start-up.
 */
@ConfigMapping(prefix = "gateway.quota")
public interface QuotaConfig {

    /** Whether admission control enforces limits; false admits everything. Default true. */
    @WithDefault("true")
    boolean enabled();

    /**
     * GCRA burst tolerance as a fraction of a minute, capped at one minute's limit: 1 (the default) lets a key spend
     * its whole per-minute limit at once (a token bucket of one minute), 0.1 only 6 s worth of it.
     */
    @WithDefault("1")
    double burst();

    /** How long leased rate-limit cells stay spendable before they are given back. Default 1 s. */
    @WithDefault("1s")
    Duration rateLeaseTtl();

    /** Cells per rate-limit lease as a fraction of the per-minute limit (at least one request). Default 0.02. */
    @WithDefault("0.02")
    double rateLeaseFraction();

    /** Slice per budget or concurrency lease as a fraction of the limit (at least one request). Default 0.02. */
    @WithDefault("0.02")
    BigDecimal poolLeaseFraction();

    /** Largest fraction of an account's remaining headroom one lease may take beyond its request. Default 0.25. */
    @WithDefault("0.25")
    BigDecimal headroomShare();

    /** Unused slices and cells go back to the shared state after this long. Default 2 s. */
    @WithDefault("2s")
    Duration idleAfter();

    /** A replica spends its leases only this long after its last heartbeat. Default 10 s. */
    @WithDefault("10s")
    Duration fence();

    /** A replica without heartbeat this long is declared dead and its holds released. Default 30 s. */
    @WithDefault("30s")
    Duration deadAfter();

    /** Holds of a request that neither completed nor released are released after this long. Default 15 min. */
    @WithDefault("15m")
    Duration maxHoldAge();

    /** Period of heartbeat, give-back and sweep. Default 1 s. */
    @WithDefault("1s")
    Duration maintenanceInterval();

    /**
     * Longest an admission waits for the quota store (PostgreSQL) before the request is answered 503
     * {@code quota_unavailable} with {@code Retry-After} (fail closed); also the network timeout of every statement
     * the quota engine sends, so a stalled or unreachable database frees the worker and its connection. Must be
     * positive. Default 2 s.
     */
    @WithDefault("2s")
    Duration databaseTimeout();

    /** Soft thresholds in percent of a budget that produce events. Default 80,100. */
    @WithDefault("80,100")
    List<Integer> thresholds();

    /** The settings as the engine takes them. */
    default QuotaSettings settings() {
        return new QuotaSettings(
                burst(),
                rateLeaseTtl(),
                rateLeaseFraction(),
                poolLeaseFraction(),
                headroomShare(),
                idleAfter(),
                fence(),
                deadAfter(),
                maxHoldAge(),
                thresholds().stream().mapToInt(Integer::intValue).toArray());
    }
}
