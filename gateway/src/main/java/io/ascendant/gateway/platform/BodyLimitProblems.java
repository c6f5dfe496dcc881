package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.error.GatewayException;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A body over Quarkus' limit ({@code quarkus.http.limits.max-body-size}, default 10 MiB) is a 413 that names the
 * limit, in the error shape of the API addressed ({@link AddressedApi}): {@code application/problem+json} on the admin
 * API and the platform paths, OpenAI's or Anthropic's JSON under {@code /v1/}. Quarkus answers both cases with an empty
 * 413 otherwise:
 *
 * <ul>
 *   <li>a declared {@code Content-Length} over the limit: refused by a filter before authentication and before the
 *       body is read, with {@code Connection: close} (the body is never read), where Quarkus' own check would have
 *       run after authentication;
 *   <li>a chunked body that grows over the limit while it is read: the admin API's JAX-RS resources read bodies
 *       through Quarkus REST, which answers an empty 413 itself, outside the router. So a chunked admin body is read
 *       here first, after authentication, by Vert.x's body handler with the same limit (Quarkus REST then takes the
 *       body read, as it does when Quarkus installs a body handler); over the limit that handler fails the route
 *       with 413, which a router failure handler renders, as it does for any other route failing with 413.
 * </ul>
 *
 * The tenant data endpoints ({@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/messages}) have the
 * gateway's own, smaller limit ({@code gateway.limits.max-body-bytes}); {@code TenantRoutes} refuses those first and
 * this class sees only what it lets through.
 */
@ApplicationScoped
public class BodyLimitProblems {

    /** After {@code TenantRoutes}' body-limit filter (900,000), before the admin filters and security. */
    private static final int FILTER_PRIORITY = 850_000;
    /**
     * After authentication and authorisation (route orders -200 and -100) and Quarkus' own {@code Content-Length}
     * check (-2): an unauthenticated body is never read.
     */
    private static final int ADMIN_BODY_ORDER = -1;
    /** After the failure handlers of the admin API, the tenant API and {@link PlatformAuthProblems}. */
    private static final int FAILURE_ORDER = Integer.MIN_VALUE + 2;

    private final long limit = configuredLimit();

    void registerFilter(@Observes Filters filters) {
        filters.register(this::refuseDeclaredOversizeBody, FILTER_PRIORITY);
    }

    void registerRoutes(@Observes Router router) {
        router.route().order(FAILURE_ORDER).failureHandler(this::bodyTooLarge);
        BodyHandler reader = BodyHandler.create(false).setBodyLimit(limit);
        router.route("/admin/*").order(ADMIN_BODY_ORDER).handler(rc -> {
            if (rc.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)
                    && !rc.request().isEnded()) {
                rc.request().resume(); // Quarkus pauses every request until a handler reads it
                reader.handle(rc);
            } else {
                rc.next();
            }
        });
    }

    private void refuseDeclaredOversizeBody(RoutingContext rc) {
        String length = rc.request().getHeader("content-length");
        if (length != null && exceeds(length, limit)) {
            // The body is not read. Vert.x closes the connection after this answer; closing it from here instead (as
            // Quarkus' own check does) resets it while the client is still sending, and the client may lose the answer.
            ConnectionClose.afterAnswer(rc);
            refuse(rc, limit);
            return;
        }
        rc.next();
    }

    void bodyTooLarge(RoutingContext rc) {
        boolean tooLarge =
                rc.statusCode() == 413 || rc.failure() instanceof HttpException h && h.getStatusCode() == 413;
        if (!tooLarge || rc.response().headWritten()) {
            rc.next();
            return;
        }
        refuse(rc, limit);
    }

    private static void refuse(RoutingContext rc, long limit) {
        AddressedApi.of(rc.request().uri())
                .send(rc.response(), new GatewayException.PayloadTooLarge(limit), ProblemType.PAYLOAD_TOO_LARGE);
    }

    private static boolean exceeds(String contentLength, long limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP decoder refuses a malformed length itself
        }
    }

    /** {@code quarkus.http.limits.max-body-size} in bytes; Quarkus' default is 10240K. */
    private static long configuredLimit() {
        return ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.limits.max-body-size", String.class)
                .map(v -> new MemorySizeConverter().convert(v).asLongValue())
                .orElse(10240L * 1024);
    }
}
