package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tenancy.apikey.ApiKeyFormat;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.regex.Pattern;

/**
 * 401 and 403 answers of the HTTP security layer on {@code /admin/*} (missing or invalid bearer token, path policy
 * denied) carry a problem document like every other admin error. These are decided before JAX-RS runs, so they never
 * reach {@link ProblemMappers}: a request to the admin API without a bearer token is answered by a route filter before
 * authentication (Quarkus would send an empty 401 challenge), and authentication failures that fail the routing
 * context are rendered by a router failure handler. Both keep the {@code WWW-Authenticate: Bearer} challenge. Other
 * paths (the tenant API, the public console files) are left to the default handling.
 */
@ApplicationScoped
public class AuthProblems {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ENCODED_SLASH = Pattern.compile("%2[fF]");

    /** Runs after {@code AdminPlaneSwitch} (10 000), so a switched-off admin plane still answers 404. */
    private static final int FILTER_PRIORITY = 9_000;

    void install(@Observes Router router) {
        router.route("/admin/*").order(Integer.MIN_VALUE).failureHandler(this::handle);
    }

    void requireBearer(@Observes Filters filters) {
        filters.register(
                rc -> {
                    String auth = rc.request().getHeader("Authorization");
                    if (needsBearer(rc.normalizedPath())
                            && rc.request().method() != HttpMethod.OPTIONS
                            && (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7))) {
                        send(
                                rc,
                                401,
                                "a bearer token from Keycloak is required (Authorization: Bearer <access token>)");
                    } else {
                        rc.next();
                    }
                },
                FILTER_PRIORITY);
    }

    /**
     * Whether {@code path} (the normalised path, as the permission check sees it) is behind the admin bearer-token
     * policy: under {@code /admin/}, not one of the console's public files. An encoded slash counts as a slash
     * ({@code /admin/api%2Fv1/tenants}, {@code /admin%2Fapi/v1/tenants}): Vert.x keeps {@code %2F} in the normalised
     * path, so such a path would miss a prefix test here while the permission check or JAX-RS still refuses it, with
     * an empty 401.
     */
    static boolean needsBearer(String path) {
        if (path == null || !path.startsWith("/admin") || isConsole(path)) {
            return false;
        }
        String slashes =
                path.indexOf('%') < 0 ? path : ENCODED_SLASH.matcher(path).replaceAll("/");
        return slashes.startsWith("/admin/");
    }

    /** The console's public files ({@code quarkus.http.auth.permission.admin-console.paths}). */
    private static boolean isConsole(String path) {
        return path.equals("/admin/")
                || path.equals("/admin/index.html")
                || path.equals("/admin/console")
                || path.startsWith("/admin/console/");
    }

    private void handle(RoutingContext rc) {
        Throwable f = rc.failure();
        int status;
        String detail;
        if (f instanceof AuthenticationFailedException
                || f instanceof UnauthorizedException
                || f instanceof AuthenticationCompletionException
                || f == null && rc.statusCode() == 401) {
            status = 401;
            detail = sentApiKey(rc)
                    ? "the bearer token is an API key: API keys authenticate only the tenant API (/v1/); the admin"
                            + " API needs an access token from this platform's Keycloak (Authorization: Bearer"
                            + " <access token>)"
                    : "the bearer token is not valid (expired, or not issued by this platform's Keycloak)";
        } else if (f instanceof ForbiddenException || f == null && rc.statusCode() == 403) {
            status = 403;
            detail = "your roles do not allow this operation";
        } else {
            rc.next();
            return;
        }
        if (rc.response().ended() || rc.response().headWritten()) {
            return;
        }
        send(rc, status, detail);
    }

    /**
     * Whether the bearer token has the tenant API key prefix ({@link ApiKeyFormat#PREFIX}): a tenant's key sent to the
     * admin API, which takes Keycloak access tokens only. A truncated or mistyped key counts too; it is never echoed.
     */
    private static boolean sentApiKey(RoutingContext rc) {
        String auth = rc.request().getHeader("Authorization");
        return auth != null
                && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && auth.substring(7).strip().startsWith(ApiKeyFormat.PREFIX);
    }

    private static void send(RoutingContext rc, int status, String detail) {
        ProblemType type = status == 401 ? ProblemType.UNAUTHENTICATED : ProblemType.FORBIDDEN;
        String body;
        try {
            body = JSON.writeValueAsString(Problem.of(type, detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem document not serialisable", e);
        }
        var response = rc.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (status == 401 && !response.headers().contains("WWW-Authenticate")) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"ascendant\"");
        }
        response.end(body);
    }
}
