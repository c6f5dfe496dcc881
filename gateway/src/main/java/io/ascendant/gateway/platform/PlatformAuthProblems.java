package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.Problem;
import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.api.Json;
import io.ascendant.tenancy.apikey.ApiKeyAuthenticationMechanism;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * 401 and 403 answers of the HTTP security layer on paths outside the tenant API and the admin API (health, metrics,
 * OpenAPI, unknown paths) carry an {@code application/problem+json} body instead of Quarkus' empty challenge.
 *
 * <p>Why such a path can be refused at all: authentication is proactive, and on these paths the API-key mechanism
 * stands aside, so an {@code Authorization: Bearer} header reaches the OIDC mechanism, which rejects anything that is
 * not a valid access token of the platform's Keycloak. A tenant that sends its API key to {@code /q/health} therefore
 * gets a 401; before this handler it had no body, so the caller could not tell why. The tenant API answers its own
 * failures in the OpenAI and Anthropic shapes (tenancy's mechanism) and the admin API in problem documents
 * ({@code AuthProblems} of admin-ui); this router failure handler runs after theirs and only for other paths.
 */
@ApplicationScoped
public class PlatformAuthProblems {

    /** After the admin API's and the tenant API's failure handlers ({@code Integer.MIN_VALUE}). */
    private static final int ORDER = Integer.MIN_VALUE + 1;

    @Inject
    ApiKeyAuthenticationMechanism apiKeys;

    void install(@Observes Router router) {
        router.route().order(ORDER).failureHandler(this::handle);
    }

    void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (rc.response().ended()
                || rc.response().headWritten()
                || path == null
                || path.equals("/admin")
                || path.startsWith("/admin/")
                || apiKeys.isTenantPath(path)) {
            rc.next();
            return;
        }
        Throwable f = rc.failure();
        Problem problem;
        if (f instanceof AuthenticationFailedException
                || f instanceof UnauthorizedException
                || f instanceof AuthenticationCompletionException
                || f == null && rc.statusCode() == 401) {
            problem = Problem.of(
                    ProblemType.UNAUTHENTICATED,
                    "the Authorization header does not carry a valid access token of this platform's Keycloak; API"
                            + " keys authenticate only the tenant API (/v1/). This path needs no credentials: send"
                            + " the request without an Authorization header.");
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"ascendant\"");
        } else if (f instanceof ForbiddenException || f == null && rc.statusCode() == 403) {
            problem = Problem.of(ProblemType.FORBIDDEN, "your credentials do not allow this request");
        } else {
            rc.next();
            return;
        }
        rc.response()
                .setStatusCode(problem.status())
                .putHeader("content-type", Problem.MEDIA_TYPE)
                .end(Buffer.buffer(Json.MAPPER.valueToTree(problem).toString()));
    }
}
