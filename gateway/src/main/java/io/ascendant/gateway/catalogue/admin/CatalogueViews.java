package io.ascendant.gateway.catalogue.admin;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Wire types of the catalogue admin API ({@code /admin/api/v1/models}, {@code /admin/api/v1/pools}). */
public final class CatalogueViews {
    private CatalogueViews() {}

    /**
     * Body of {@code PUT /admin/api/v1/models/{name}}.
     *
     * @param pool pool serving the model (must exist)
     * @param aliases other public names
     * @param priceTier billing price tier; default the public name
     * @param upstreamModel model name sent to hosts; default the public name
     * @param maxOutputTokens largest {@code max_tokens}; when omitted, that of the route replaced (stored, else
     *     static), for a new name 65536
     * @param contextLength context window in tokens; when omitted, that of the route replaced (stored, else static),
     *     for a new name 1048576. A ceiling: the window tenants get is at most what the pool's pods report
     *     ({@link ModelRouteView#effectiveContextLength()})
     */
    public record ModelRouteBody(
            @NotBlank String pool,
            List<@Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$") String> aliases,

            @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
            String priceTier,

            @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
            String upstreamModel,

            @Min(1) @Max(10_000_000) Long maxOutputTokens,
            @Min(1) @Max(100_000_000) Long contextLength) {}

    /**
     * A route as admins see it.
     *
     * @param contextLength the configured context window in tokens (set by an admin or configuration, else 1048576)
     * @param source STATIC (configuration) or ADMIN (database)
     * @param hostMaxModelLen the smallest {@code max_model_len} the pool's ready pods report in their
     *     {@code GET /v1/models} (tokens); null when none reports one
     * @param effectiveContextLength the window the gateway enforces and tenants see as {@code max_model_len}: the
     *     smaller of {@code contextLength} and {@code hostMaxModelLen} (tokens)
     */
    public record ModelRouteView(
            String name,
            List<String> aliases,
            String priceTier,
            String pool,
            String upstreamModel,
            long maxOutputTokens,
            long contextLength,
            String source,
            Long hostMaxModelLen,
            long effectiveContextLength) {}

    /**
     * Body of {@code PUT /admin/api/v1/pools/{name}}.
     *
     * @param accelerator CPU or ASCEND
     * @param dns optional {@code host:port} for DNS / headless-service discovery
     */
    public record PoolBody(
            @NotBlank @Pattern(regexp = "(?i)CPU|ASCEND", message = "must be CPU or ASCEND")
            String accelerator,

            @Pattern(regexp = "^[A-Za-z0-9.-]+:[0-9]{1,5}$", message = "must be host:port")
            String dns) {}

    /** A pool with its live endpoints. */
    public record PoolView(String name, String accelerator, String dns, String source, List<EndpointView> endpoints) {}

    /**
     * One endpoint with the gateway's live view of it.
     *
     * @param id registration id (null for static and DNS endpoints)
     * @param state READY (in rotation unless its circuit is open), NOT_READY (failing or not yet passing health
     *     checks), DRAINING, or INVALID: its base URL breaks the rule of {@code POST .../endpoints} (a row stored
     *     before that rule or written straight into the database, a configuration typo), so it is no pod and receives
     *     nothing; {@code problem} says why. Remove a registered one with {@code DELETE .../endpoints/{id}}
     * @param problem why the endpoint is INVALID, naming the value; null otherwise
     * @param ready passes health checks
     * @param circuit CLOSED, OPEN or HALF_OPEN; null for an INVALID endpoint
     * @param waiting last sampled queue depth (requests waiting in the host); null while none was sampled (a pod not
     *     polled yet, whose {@code /metrics} failed or lacked the gauge, an INVALID endpoint)
     * @param kvCacheUsage last sampled KV-cache use 0..1; null while none was sampled, as {@code waiting}
     * @param inFlightRequests requests this replica has on it
     * @param maxModelLen the context window in tokens from its {@code GET /v1/models} ({@code max_model_len}); null
     *     when it reported none
     */
    public record EndpointView(
            UUID id,
            String baseUrl,
            String accelerator,
            boolean draining,
            String source,
            String state,
            String problem,
            boolean ready,
            String circuit,
            Double waiting,
            Double kvCacheUsage,
            int inFlightRequests,
            Instant registeredAt,
            Long maxModelLen) {}

    /**
     * Body of {@code POST /admin/api/v1/pools/{name}/endpoints}.
     *
     * @param baseUrl {@code http(s)://host[:port]}: absolute, a host, a port of 1-65535 if any, no user info, path
     *     (one trailing {@code /} is dropped), query or fragment. Checked by {@link
     *     io.ascendant.gateway.catalogue.EndpointUrls}, whose 400 says exactly what is wrong
     * @param accelerator CPU or ASCEND; default the pool's
     */
    public record EndpointBody(
            @NotBlank String baseUrl,

            @Pattern(regexp = "(?i)CPU|ASCEND", message = "must be CPU or ASCEND")
            String accelerator) {}

    /** Body of {@code PATCH /admin/api/v1/pools/{name}/endpoints/{id}}. */
    public record EndpointPatch(boolean draining) {}
}
