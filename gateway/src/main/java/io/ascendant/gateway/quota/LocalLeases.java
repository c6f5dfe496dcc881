package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.budget.BudgetPeriod;
import io.ascendant.gateway.quota.lease.AccountStore;
import io.ascendant.gateway.quota.lease.LocalPool;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.Gcra;
import io.ascendant.gateway.quota.ratelimit.LocalRate;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import io.ascendant.gateway.quota.ratelimit.RateStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's local share of the shared limits: one {@link LocalPool} per (budget or concurrency key, period,
 * limit) and one {@link LocalRate} per (rate key, limit), made on first use. The limit is part of the key, so an
 * admin's change of a limit starts a fresh local view instead of spending a lease taken under the old one.
 *
 * <p>Also what the replica gives back to PostgreSQL: unspent pool leases and rate corrections once idle (every
 * maintenance round) or all of them (clean shutdown), and the {@code x-ratelimit-*} headers, which are this replica's
 * view of the rates.
 *
 * <p>Thread-safe: concurrent maps; each pool and rate synchronises itself.
 */
final class LocalLeases {
    private final QuotaSettings settings;
    private final AccountStore accounts;
    private final RateStore rateStore;
    private final Map<String, LocalPool> pools = new ConcurrentHashMap<>();
    private final Map<String, LocalRate> rates = new ConcurrentHashMap<>();

    LocalLeases(QuotaSettings settings, AccountStore accounts, RateStore rateStore) {
        this.settings = settings;
        this.accounts = accounts;
        this.rateStore = rateStore;
    }

    /** The local rate of {@code spec}. */
    LocalRate rate(RateSpec spec) {
        return rates.computeIfAbsent(
                spec.key() + '|' + spec.perMinute(),
                k -> new LocalRate(spec.key(), Gcra.perMinute(spec.perMinute(), settings.burstFraction())));
    }

    /** The local pool of {@code spec} in {@code period}; the first use makes sure the shared account exists. */
    LocalPool pool(PoolSpec spec, BudgetPeriod period, UUID tenantId) {
        return pools.computeIfAbsent(
                spec.key() + '|' + period.start() + '|' + spec.limit().toPlainString(),
                k -> new LocalPool(spec, period, accounts.ensureAccount(spec, period, tenantId)));
    }

    /**
     * Gives back what has been idle for {@code gateway.quota} idle-after: unspent pool leases and due rate corrections;
     * forgets empty pools of periods that have ended.
     */
    void giveBackIdle(Instant now, long nowNs) {
        Instant idleSince = now.minus(settings.idleAfter());
        for (Map.Entry<String, LocalPool> e : pools.entrySet()) {
            LocalPool p = e.getValue();
            LocalPool.GiveBack gb = p.takeIdleFree(now, idleSince);
            if (gb.amount().signum() > 0) {
                accounts.giveBack(p.accountId(), gb.replicaId(), gb.amount());
            }
            if (!p.period().contains(now) && p.isEmpty()) {
                pools.remove(e.getKey(), p);
            }
        }
        long idleNs = nowNs - settings.idleAfter().toNanos();
        for (LocalRate rate : rates.values()) {
            long due = rate.takeDue(nowNs, idleNs);
            if (due != 0) {
                rateStore.adjust(rate.key(), rate.gcra(), due);
            }
        }
    }

    /** Gives back every unspent pool lease and every pending rate correction (clean shutdown). */
    void giveBackAll(Instant now, long nowNs) {
        Instant far = now.plus(Duration.ofDays(365 * 100));
        for (LocalPool p : pools.values()) {
            LocalPool.GiveBack gb = p.takeIdleFree(now, far);
            if (gb.amount().signum() > 0) {
                accounts.giveBack(p.accountId(), gb.replicaId(), gb.amount());
            }
        }
        for (LocalRate rate : rates.values()) {
            long due = rate.takeDue(nowNs, Long.MAX_VALUE);
            if (due != 0) {
                rateStore.adjust(rate.key(), rate.gcra(), due);
            }
        }
    }

    /**
     * The {@code x-ratelimit-*} headers: per kind, the enforced per-minute limit with the fewest remaining; when
     * {@code refusedKey} names a per-minute limit that refused the request, that limit for its kind (and, for
     * requests, 0 remaining: not even one more conforms now).
     */
    RateLimitHeaders headers(QuotaPolicy policy, long nowNs, String refusedKey) {
        LocalRate req = null;
        LocalRate tok = null;
        long reqLeft = Long.MAX_VALUE;
        long tokLeft = Long.MAX_VALUE;
        boolean reqPinned = false;
        boolean tokPinned = false;
        for (RateSpec spec : policy.rates()) {
            if (spec.shadow()) {
                continue;
            }
            LocalRate rate = rate(spec);
            long left = rate.remaining(nowNs);
            boolean refused = spec.key().equals(refusedKey);
            if (spec.kind() == RateSpec.Kind.REQUESTS && (refused || (!reqPinned && left < reqLeft))) {
                req = rate;
                reqLeft = refused ? 0 : left;
                reqPinned = refused;
            } else if (spec.kind() == RateSpec.Kind.TOKENS && (refused || (!tokPinned && left < tokLeft))) {
                tok = rate;
                tokLeft = left;
                tokPinned = refused;
            }
        }
        return new RateLimitHeaders(
                req == null ? -1 : req.gcra().limitPerMinute(),
                req == null ? 0 : Math.min(reqLeft, req.gcra().limitPerMinute()),
                req == null ? Duration.ZERO : Duration.ofNanos(req.resetNanos(nowNs)),
                tok == null ? -1 : tok.gcra().limitPerMinute(),
                tok == null ? 0 : Math.min(tokLeft, tok.gcra().limitPerMinute()),
                tok == null ? Duration.ZERO : Duration.ofNanos(tok.resetNanos(nowNs)));
    }

    /** Holds of requests in flight on this replica, summed per pool key. */
    Map<String, BigDecimal> outstandingByPool() {
        Map<String, BigDecimal> m = new ConcurrentHashMap<>();
        for (LocalPool p : pools.values()) {
            m.merge(p.spec().key(), p.outstanding(), BigDecimal::add);
        }
        return m;
    }
}
