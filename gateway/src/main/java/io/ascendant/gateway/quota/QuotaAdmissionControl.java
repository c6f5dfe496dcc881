package io.ascendant.gateway.quota;

import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.gateway.admission.AdmissionControl;
import io.ascendant.gateway.admission.AdmissionRequest;
import io.ascendant.gateway.admission.AdmissionTicket;
import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.quota.budget.WorstCasePricer;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import io.ascendant.tenancy.limits.EffectiveLimits;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The gateway's admission hook backed by {@link QuotaEngine}: rate limits, concurrency limits and hard budgets from
 * tenancy's limits, priced with billing's price book.
 *
 * <p>Admission first runs on the calling event loop as a {@link NonBlockingAdmission} attempt: when the limits are
 * cached and the local leases cover the request, it completes there. Otherwise (it must lease from PostgreSQL,
 * resolve limits on a cache miss, wait for a lease lock, or tokenise a long prompt) it runs on a worker thread.
 * Ending a ticket runs on a worker thread too (it takes the lease locks). Refusals become {@link
 * GatewayException.RateLimited} (429, with {@code Retry-After} when waiting can clear it); a quota store that does not answer within {@code
 * gateway.quota.database-timeout}, or cannot be reached, becomes a 503 {@code quota_unavailable} with {@code
 * Retry-After} (fail closed). The worker path is bounded as a whole ({@link AdmissionDeadline}): whatever it waits
 * for, the request has its answer by the deadline, and a ticket the worker obtains later is released.
 */
@ApplicationScoped
public class QuotaAdmissionControl implements AdmissionControl {

    private static final Logger LOG = Logger.getLogger(QuotaAdmissionControl.class);

    @Inject
    QuotaService quota;

    @Inject
    QuotaPolicies policies;

    @Inject
    WorstCasePricer pricer;

    @Inject
    QuotaConfig config;

    @Inject
    PromptTokenCounter promptTokens;

    @Override
    public Uni<AdmissionTicket> admit(AdmissionRequest request) {
        if (!config.enabled()) {
            return Uni.createFrom().item(AdmissionTicket.NONE);
        }
        return run(request, () -> admitBlocking(request));
    }

    /**
     * Takes one cell of each enforced requests-per-minute limit and nothing else; the ticket is ended at once (a
     * request rate is not given back when a request ends, so the request stays counted for its minute).
     */
    @Override
    public Uni<Void> countRequest(AdmissionRequest request) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return run(request, () -> countRequestBlocking(request)).replaceWithVoid();
    }

    /** Runs {@code admission} on the event loop when it can complete there, else on a worker within the deadline. */
    private Uni<AdmissionTicket> run(AdmissionRequest request, Supplier<AdmissionTicket> admission) {
        // Without a host body the prompt is counted already: nothing to tokenise, whatever its length.
        if (Context.isOnEventLoopThread()
                && (request.hostBody() == null || request.promptTokens() <= MAX_EVENT_LOOP_PROMPT_TOKENS)) {
            try {
                return Uni.createFrom().item(NonBlockingAdmission.attempt(admission::get));
            } catch (NonBlockingAdmission.WouldBlock e) {
                // needs PostgreSQL (a lease, uncached limits): admit on a worker thread instead
            } catch (QuotaStoreException e) {
                return Uni.createFrom().failure(storeUnavailable(request, e.getMessage()));
            } catch (RuntimeException e) {
                return Uni.createFrom().failure(e);
            }
        }
        Duration deadline = config.databaseTimeout();
        return Uni.createFrom()
                .completionStage(() ->
                        AdmissionDeadline.run(Infrastructure.getDefaultWorkerPool(), deadline, admission::get, late -> {
                            LOG.warnf(
                                    "request %s of tenant %s was admitted after it had its answer (deadline passed or client"
                                            + " left); its holds are released",
                                    request.requestId(), request.tenantId());
                            late.release();
                        }))
                // One answer per request, from whichever came first: the deadline or the worker's own store error.
                .onFailure(e -> e instanceof TimeoutException || e instanceof QuotaStoreException)
                .transform(e -> storeUnavailable(
                        request,
                        e instanceof TimeoutException
                                ? "no answer within " + deadline.toMillis() + " ms"
                                : e.getMessage()));
    }

    /**
     * The 503 of a request whose limits cannot be checked (fail closed: a hard budget that cannot be checked is not
     * spent), with {@code Retry-After} of the database timeout (at least 1 s).
     */
    private GatewayException.Unavailable storeUnavailable(AdmissionRequest r, String why) {
        LOG.warnf("quota store unavailable for request %s of tenant %s: %s", r.requestId(), r.tenantId(), why);
        long retry = Math.max(1, (config.databaseTimeout().toMillis() + 999) / 1000);
        return new GatewayException.Unavailable(
                "The quota store is not answering, so limits cannot be checked and the request was not admitted."
                        + " Retry after " + retry + " s.",
                "quota_unavailable",
                (int) Math.min(Integer.MAX_VALUE, retry));
    }

    /** Prompts longer than this are counted (tokenised) on a worker thread, not on the event loop. */
    static final long MAX_EVENT_LOOP_PROMPT_TOKENS = 4096;

    @Override
    public void restoreHolds(String requestId, UUID tenantId, List<HeldBudget> holds) {
        if (!holds.isEmpty()) {
            quota.engine().restoreForReplay(requestId, tenantId, holds);
        }
    }

    @Override
    public void forgetRestored(String requestId) {
        quota.engine().forgetReplay(requestId);
    }

    private AdmissionTicket countRequestBlocking(AdmissionRequest r) {
        EffectiveLimits limits = policies.limits(r.tenantId(), r.projectId(), r.keyId(), r.model());
        List<RateSpec> requestRates = policies.policy(limits, r.model()).rates().stream()
                .filter(spec -> spec.kind() == RateSpec.Kind.REQUESTS)
                .toList();
        if (requestRates.isEmpty()) {
            return AdmissionTicket.NONE;
        }
        QuotaRequest q = new QuotaRequest(
                r.requestId(), r.tenantId(), r.projectId(), r.keyId(), r.model(), limits.timeZone(), 0, 0, null, null);
        try {
            quota.engine().admit(q, new QuotaPolicy(requestRates, List.of())).release();
        } catch (QuotaRefusedException e) {
            throw rateLimited(e);
        }
        return AdmissionTicket.NONE;
    }

    private static GatewayException.RateLimited rateLimited(QuotaRefusedException e) {
        QuotaRefusal refusal = e.refusal();
        return new GatewayException.RateLimited(
                refusal.message(),
                refusal.code(),
                (int) Math.min(Integer.MAX_VALUE, refusal.retryAfterSeconds()),
                e.headers().asMap());
    }

    AdmissionTicket admitBlocking(AdmissionRequest r) {
        EffectiveLimits limits = policies.limits(r.tenantId(), r.projectId(), r.keyId(), r.model());
        QuotaPolicy policy = policies.policy(limits, r.model());
        if (policy.rates().isEmpty() && policy.pools().isEmpty()) {
            return AdmissionTicket.NONE;
        }
        long prompt = promptTokens.count(r.hostBody(), r.promptTokens());
        WorstCasePricer.WorstCase worstCase = null;
        if (policy.pools().stream().anyMatch(p -> p.unit() == PoolSpec.Unit.MONEY)) {
            // The ledger rates a request with the price version in force when it started (its usage event's
            // startedAt); pricing the hold with that same version keeps settle <= hold when a price changes
            // mid-request. It rates by the route's price tier, so the hold is priced by that tier too.
            Instant startedAt = r.startedAt() == null ? Instant.now() : r.startedAt();
            String tier = r.priceTier() == null ? r.model() : r.priceTier();
            worstCase = pricer.worstCase(r.tenantId(), tier, limits.currency(), prompt, r.maxOutputTokens(), startedAt)
                    .orElse(null);
        }
        QuotaRequest q = new QuotaRequest(
                r.requestId(),
                r.tenantId(),
                r.projectId(),
                r.keyId(),
                r.model(),
                limits.timeZone(),
                prompt,
                r.maxOutputTokens(),
                worstCase == null ? null : worstCase.cost(),
                worstCase == null ? null : worstCase.outputPerMillion(),
                r.defaultMaxTokens(),
                r.outputLimitParam());
        try {
            return new Ticket(quota.engine().admit(q, policy));
        } catch (QuotaRefusedException e) {
            throw rateLimited(e);
        }
        // QuotaStoreException propagates: admit() answers it, once, with the 503 of storeUnavailable.
    }

    /** Adapts a {@link QuotaTicket} to the data path's ticket. */
    private record Ticket(QuotaTicket ticket) implements AdmissionTicket {

        @Override
        public void settle(UsageEvent usage) {
            offEventLoop(() -> ticket.complete(usage.promptTokens(), usage.completionTokens()));
        }

        @Override
        public void release() {
            offEventLoop(ticket::release);
        }

        /**
         * Ending a ticket takes the leases' locks, which a worker may hold across a PostgreSQL round trip (a lease
         * or grant); an event loop must never wait for that, so there it is handed to a worker.
         */
        private static void offEventLoop(Runnable end) {
            if (Context.isOnEventLoopThread()) {
                Infrastructure.getDefaultWorkerPool().execute(end);
            } else {
                end.run();
            }
        }

        @Override
        public Map<String, String> responseHeaders() {
            return ticket.headers().asMap();
        }

        @Override
        public List<HeldBudget> budgetHolds() {
            return ticket.budgetHolds();
        }
    }
}
