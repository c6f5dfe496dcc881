package io.ascendant.gateway.quota;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Tuning of the lease protocol (docs/quotas.md explains each in context; {@link QuotaConfig} binds them to
 * {@code gateway.quota.*}).
 *
 * @param burstFraction GCRA burst tolerance as a fraction of a minute, capped at one minute's limit (1 = the whole
 *     per-minute limit at once, 0.1 = 6 s worth of it)
 * @param rateLeaseTtl how long leased rate cells stay spendable before they are given back
 * @param rateLeaseFraction cells one rate lease asks for, as a fraction of the per-minute limit
 * @param poolLeaseFraction amount one budget/concurrency lease asks for, as a fraction of the limit
 * @param headroomShare at most this fraction of an account's remaining headroom goes into one lease (beyond the
 *     request that asked), so leases shrink to a single request near the limit
 * @param idleAfter unspent leases of pools and limits unused this long are given back
 * @param fence a replica spends leases only this long after its last successful heartbeat
 * @param deadAfter a replica without heartbeat this long is declared dead and its leases released
 * @param maxHoldAge a hold whose request neither completed nor released is released after this long
 * @param thresholds soft thresholds in percent of a budget that produce events
 */
public record QuotaSettings(
        double burstFraction,
        Duration rateLeaseTtl,
        double rateLeaseFraction,
        BigDecimal poolLeaseFraction,
        BigDecimal headroomShare,
        Duration idleAfter,
        Duration fence,
        Duration deadAfter,
        Duration maxHoldAge,
        int[] thresholds) {

    /** The defaults of {@link QuotaConfig}. */
    public static QuotaSettings defaults() {
        return new QuotaSettings(
                0.1,
                Duration.ofSeconds(1),
                0.02,
                new BigDecimal("0.02"),
                new BigDecimal("0.25"),
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(15),
                new int[] {80, 100});
    }

    public QuotaSettings {
        if (!fence.minus(deadAfter).isNegative()) {
            throw new IllegalArgumentException(
                    "gateway.quota.fence (" + fence + ") must be shorter than dead-after (" + deadAfter + ")");
        }
        if (headroomShare.signum() <= 0 || headroomShare.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("gateway.quota.headroom-share must be in (0, 1], was " + headroomShare);
        }
        thresholds = thresholds.clone();
    }
}
