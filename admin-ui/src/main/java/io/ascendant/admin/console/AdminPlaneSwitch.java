package io.ascendant.admin.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.admin.AdminConfig;
import io.ascendant.admin.problem.Problem;
import io.ascendant.admin.problem.ProblemType;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Switches the admin plane off on data-plane replicas ({@code admin.enabled=false}): a route filter answers 404 to
 * {@code /admin} and everything under it (API, console, static files) before authentication or routing, so such a
 * replica exposes no admin surface at all. The 404 carries a problem document like any other unknown path.
 */
@ApplicationScoped
public class AdminPlaneSwitch {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs before the other filters (higher priority first). */
    private static final int PRIORITY = 10_000;

    void register(@Observes Filters filters, AdminConfig config) {
        if (config.enabled()) {
            return;
        }
        filters.register(
                rc -> {
                    String path = rc.normalizedPath();
                    if (path.equals("/admin") || path.startsWith("/admin/")) {
                        rc.response()
                                .setStatusCode(404)
                                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                                .end(notFound(rc.request().method().name(), path));
                    } else {
                        rc.next();
                    }
                },
                PRIORITY);
    }

    private static String notFound(String method, String path) {
        try {
            return JSON.writeValueAsString(
                    Problem.of(
                            ProblemType.NOT_FOUND,
                            "No resource at " + method + " " + path
                                    + ". This gateway does not serve the admin API and console; the tenant API is under /v1/."));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem document not serialisable", e);
        }
    }
}
