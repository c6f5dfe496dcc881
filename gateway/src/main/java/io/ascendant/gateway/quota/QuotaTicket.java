package io.ascendant.gateway.quota;

import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.quota.lease.LocalPool;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.LocalRate;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An admitted request's claims: rate cells taken and holds on budgets and concurrency pools.
 *
 * <p>Lifecycle. Budget holds are settled by the usage ledger's transaction ({@link QuotaEngine#settleInLedger}),
 * whatever the order of that and this ticket's end. The ticket ends with exactly one effective call:
 * <ul>
 *   <li>{@link #complete}: the request ended and its usage is (or will be) in the ledger; token rate limits are
 *       corrected to the actual count and concurrency slots freed; budget holds wait for the ledger;
 *   <li>{@link #release}: no usage will ever be recorded (refused later, failed before any token); everything is
 *       given back locally.
 * </ul>
 * Further calls are no-ops. Thread-safe.
 */
public final class QuotaTicket {

    static final int ACTIVE = 0;
    static final int SETTLING = 1;
    static final int DONE = 2;

    private final QuotaEngine engine;
    private final QuotaRequest request;
    private final List<RateTake> rateTakes;
    private final List<PoolHold> holds;
    private final RateLimitHeaders headers;
    private final Instant admittedAt;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Instant endedAt;

    QuotaTicket(
            QuotaEngine engine,
            QuotaRequest request,
            List<RateTake> rateTakes,
            List<PoolHold> holds,
            RateLimitHeaders headers,
            Instant admittedAt) {
        this.engine = engine;
        this.request = request;
        this.rateTakes = List.copyOf(rateTakes);
        this.holds = List.copyOf(holds);
        this.headers = headers;
        this.admittedAt = admittedAt;
    }

    /** The request id. */
    public String requestId() {
        return request.requestId();
    }

    /** The tenant. */
    public UUID tenantId() {
        return request.tenantId();
    }

    /** Headers for the response. */
    public RateLimitHeaders headers() {
        return headers;
    }

    /**
     * The request ended with this actual usage, recorded (or about to be) in the usage ledger.
     *
     * @param promptTokens actual prompt tokens
     * @param completionTokens actual output tokens (reasoning included)
     */
    public void complete(long promptTokens, long completionTokens) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        endedAt = engine.now();
        engine.completed(this, promptTokens + completionTokens);
    }

    /** The request produced no usage row and never will: give everything back. */
    public void release() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        endedAt = engine.now();
        engine.released(this);
    }

    /** The budget holds (not concurrency slots), for the usage journal. */
    public List<HeldBudget> budgetHolds() {
        List<HeldBudget> out = new ArrayList<>(holds.size());
        for (PoolHold h : holds) {
            if (h.isBudget()) {
                out.add(new HeldBudget(
                        h.hold.pool().accountId(),
                        h.hold.replicaId(),
                        h.hold.amount(),
                        h.spec().unit() == PoolSpec.Unit.MONEY));
            }
        }
        return out;
    }

    QuotaRequest request() {
        return request;
    }

    List<RateTake> rateTakes() {
        return rateTakes;
    }

    List<PoolHold> holds() {
        return holds;
    }

    Instant admittedAt() {
        return admittedAt;
    }

    boolean ended() {
        return ended.get();
    }

    Instant endedAt() {
        return endedAt;
    }

    /** Cells taken from a rate limit. */
    record RateTake(LocalRate rate, RateSpec spec, long cells) {}

    /** A hold on a pool and where it stands in settlement. */
    static final class PoolHold {
        final LocalPool.Hold hold;
        final AtomicInteger state = new AtomicInteger(ACTIVE);

        PoolHold(LocalPool.Hold hold) {
            this.hold = hold;
        }

        PoolSpec spec() {
            return hold.pool().spec();
        }

        boolean isBudget() {
            return spec().unit() != PoolSpec.Unit.REQUESTS;
        }
    }
}
