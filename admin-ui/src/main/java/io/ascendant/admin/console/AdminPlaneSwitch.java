package io.ascendant.admin.console;

import io.ascendant.admin.AdminConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Switches the admin plane off on data-plane replicas ({@code admin.enabled=false}): a route filter answers 404 to
 * {@code /admin} and everything under it (API, console, static files) before authentication or routing, so such a
 * replica exposes no admin surface at all.
 */
@ApplicationScoped
public class AdminPlaneSwitch {

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
                        rc.response().setStatusCode(404).end();
                    } else {
                        rc.next();
                    }
                },
                PRIORITY);
    }
}
