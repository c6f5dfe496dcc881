package io.ascendant.gateway.admission;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.UUID;

/**
 * The hook the quota module implements (rate limits, hard-budget holds). Called after authentication and validation,
 * before dispatch. A refusal fails the {@link Uni} with {@link io.ascendant.gateway.error.GatewayException.RateLimited}
 * (429 with {@code Retry-After}) or another {@link io.ascendant.gateway.error.GatewayException}.
 *
 * <p>The default bean ({@link AllowAll}) admits everything; a quota implementation replaces it by being a plain
 * {@code @ApplicationScoped} bean of this type.
 */
public interface AdmissionControl {

    /** Admits or refuses; must not block the event loop. */
    Uni<AdmissionTicket> admit(AdmissionRequest request);

    /**
     * Counts one request against the caller's requests-per-minute limits only (key, project, tenant; those of
     * {@code request.model()} and those for every model), for work that generates nothing and is never metered
     * (Anthropic's {@code count_tokens}): no token rate, concurrency slot or budget is taken or held, so nothing is
     * settled afterwards. A refusal fails the {@link Uni} with {@link
     * io.ascendant.gateway.error.GatewayException.RateLimited}. Must not block the event loop. Default: admits.
     */
    default Uni<Void> countRequest(AdmissionRequest request) {
        return Uni.createFrom().voidItem();
    }

    /**
     * Before a usage event from the journal of a previous run is recorded again: the holds its request had, so that
     * the ledger's transaction settles them as it would have live (exactly once; a hold whose lease was already
     * swept only adds the actual usage). Default: nothing to restore.
     */
    default void restoreHolds(String requestId, UUID tenantId, List<HeldBudget> holds) {}

    /** After the replayed event of {@code requestId} was recorded (or given up): forget its restored holds. */
    default void forgetRestored(String requestId) {}
}
