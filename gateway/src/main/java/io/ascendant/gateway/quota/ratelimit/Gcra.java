package io.ascendant.gateway.quota.ratelimit;

/**
 * The generic cell rate algorithm (GCRA, ITU-T I.371 "virtual scheduling") for a per-minute limit, in the
 * check-then-charge form: a request is conforming when the theoretical arrival time {@code TAT} is at most
 * {@code now + tau}; it then moves {@code TAT} to {@code max(TAT, now) + n * T}.
 *
 * <p>{@code T = 60 s / limit} is the emission interval (rounded up to whole nanoseconds, so the rate is never above
 * the limit) and {@code tau = min(burst * 60 s, (limit - 1) * T)} the burst tolerance. With {@code burst = 1} (the
 * default) this is a token bucket holding one minute's limit: from idle exactly {@code limit} cells conform at once,
 * and spent cells come back at one per {@code T}. A {@code tau} above {@code (limit - 1) * T} would let more than the
 * per-minute limit through at once (and show more remaining than the limit), so it is capped there. In any window of
 * length {@code W} the cells charged are at most {@code W / T + tau / T + n_max}, where {@code n_max} is the largest
 * single charge: no fixed-window double burst at a boundary. Replicas lease cells through the same arithmetic (see
 * {@link #lease}), so the bound holds across the cluster. Immutable and thread-safe; all times are nanoseconds on
 * one clock (epoch nanoseconds).
 */
public final class Gcra {

    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final long limitPerMinute;
    private final long intervalNanos;
    private final long toleranceNanos;

    /**
     * A limit of {@code limitPerMinute} cells per minute with a burst tolerance of {@code burstFraction} of a minute,
     * capped at {@code (limitPerMinute - 1) * T} so that at most {@code limitPerMinute} cells conform at once.
     *
     * @throws IllegalArgumentException when the limit is not positive or the fraction is outside [0, 1]
     */
    public static Gcra perMinute(long limitPerMinute, double burstFraction) {
        if (limitPerMinute <= 0) {
            throw new IllegalArgumentException("limit must be > 0 per minute, was " + limitPerMinute);
        }
        if (!(burstFraction >= 0 && burstFraction <= 1)) {
            throw new IllegalArgumentException("burst fraction must be in [0, 1], was " + burstFraction);
        }
        long t = Math.ceilDiv(MINUTE_NANOS, limitPerMinute);
        // (limit - 1) * T < 60 s + limit: no overflow.
        long tau = Math.min((long) (burstFraction * MINUTE_NANOS), (limitPerMinute - 1) * t);
        return new Gcra(limitPerMinute, t, tau);
    }

    private Gcra(long limitPerMinute, long intervalNanos, long toleranceNanos) {
        this.limitPerMinute = limitPerMinute;
        this.intervalNanos = intervalNanos;
        this.toleranceNanos = toleranceNanos;
    }

    /** The configured limit, cells per minute. */
    public long limitPerMinute() {
        return limitPerMinute;
    }

    /** Emission interval T in nanoseconds per cell. */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** Burst tolerance tau in nanoseconds. */
    public long toleranceNanos() {
        return toleranceNanos;
    }

    /**
     * Decides a lease of between {@code need} and {@code want} cells at {@code now}.
     *
     * <p>Refused when {@code max(tat, now) > now + tau}. Otherwise grants {@code need} plus as many extra cells (up
     * to {@code want}) as still conform at {@code now}, so near the limit a lease shrinks to the single request
     * that asked for it.
     *
     * @param tat current theoretical arrival time (epoch ns); any value, older ones count as {@code now}
     * @param now current time (epoch ns)
     * @param need cells the caller must have (one request's charge), > 0
     * @param want cells the caller would like (a lease), ≥ need
     * @return the decision; {@link Decision#granted()} is 0 when refused
     */
    public Decision lease(long tat, long now, long need, long want) {
        if (need <= 0 || want < need) {
            throw new IllegalArgumentException("need " + need + " must be > 0 and <= want " + want);
        }
        long base = Math.max(tat, now);
        long latest = now + toleranceNanos;
        if (base > latest) {
            return new Decision(0, tat, base - latest, base - now);
        }
        long grant = need;
        long extraConforming = Math.floorDiv(latest - (base + need * intervalNanos), intervalNanos) + 1;
        if (extraConforming > 0) {
            grant = Math.min(want, need + extraConforming);
        }
        long newTat = base + grant * intervalNanos;
        return new Decision(grant, newTat, 0, newTat - now);
    }

    /**
     * Cells that would still be granted at {@code now} given {@code tat} (what {@code x-ratelimit-remaining} shows),
     * between 0 and {@link #limitPerMinute()}.
     */
    public long remaining(long tat, long now) {
        long base = Math.max(tat, now);
        long latest = now + toleranceNanos;
        if (base > latest) {
            return 0;
        }
        return (latest - base) / intervalNanos + 1;
    }

    /**
     * A lease decision.
     *
     * @param granted cells granted, 0 when refused
     * @param newTat the theoretical arrival time to store (unchanged when refused)
     * @param retryAfterNanos when refused, how long until {@code need} cells could conform; else 0
     * @param resetNanos how long until the limit is back to its initial (idle) state
     */
    public record Decision(long granted, long newTat, long retryAfterNanos, long resetNanos) {
        /** Whether the lease was granted. */
        public boolean allowed() {
            return granted > 0;
        }
    }
}
