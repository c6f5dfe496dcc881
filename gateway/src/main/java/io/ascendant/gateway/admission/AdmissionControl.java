package io.ascendant.gateway.admission;

import io.smallrye.mutiny.Uni;

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
}
