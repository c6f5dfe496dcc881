package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.error.GatewayException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Quarkus' own read-only endpoints (the OpenAPI document at {@code /q/openapi}, also as {@code .json}, {@code .yaml}
 * and {@code .yml}, health at {@code /q/health} and below,
 * Prometheus metrics at {@code /q/metrics}) answer only {@code GET} and {@code HEAD}, plus {@code OPTIONS} listing
 * them. Their handlers (SmallRye OpenAPI, SmallRye Health, Micrometer) look at no method and served a {@code POST} or
 * {@code DELETE} like a {@code GET}, with a 200; here any other method is a 405 with
 * {@code Allow: }{@value #ALLOW} in {@code application/problem+json}, and {@code OPTIONS} a 204 with the same
 * {@code Allow} (the OpenAPI handler's own {@code OPTIONS} named those methods but then fell through to a 404).
 *
 * <p>A route filter, so the refusal comes before the body is read (the connection is closed after it, see
 * {@link ConnectionClose}) and before authentication: these paths need no credentials. Cost: a path comparison per
 * request that is not a {@code GET} or {@code HEAD}.
 */
@ApplicationScoped
public class PlatformEndpointMethods {

    /** The methods the platform endpoints serve, for {@code Allow}. */
    static final String ALLOW = "GET, HEAD, OPTIONS";

    /**
     * After {@link MalformedUrlFilter} (990,000) and the declared-body limit of {@link BodyLimitProblems} (850,000),
     * so a malformed URL or an oversized body is refused as such first (as on the other paths); before security.
     */
    private static final int PRIORITY = 840_000;

    void register(@Observes Filters filters) {
        filters.register(PlatformEndpointMethods::check, PRIORITY);
    }

    static void check(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || !isPlatformEndpoint(rc.normalizedPath())) {
            rc.next();
            return;
        }
        rc.response().putHeader("Allow", ALLOW);
        if (method == HttpMethod.OPTIONS) {
            rc.response().setStatusCode(204).end();
            return;
        }
        if (!rc.request().isEnded()) {
            ConnectionClose.afterAnswer(rc); // the body is not read
        }
        AddressedApi.PLATFORM.send(
                rc.response(),
                new GatewayException.MethodNotAllowed(method.name(), rc.normalizedPath(), ALLOW),
                ProblemType.METHOD_NOT_ALLOWED);
    }

    /** Whether {@code path} (normalised) is one of Quarkus' read-only platform endpoints. */
    static boolean isPlatformEndpoint(String path) {
        return path != null
                && (path.equals("/q/openapi")
                        || path.equals("/q/openapi.json")
                        || path.equals("/q/openapi.yaml")
                        || path.equals("/q/openapi.yml")
                        || path.equals("/q/metrics")
                        || path.equals("/q/health")
                        || path.startsWith("/q/health/"));
    }
}
