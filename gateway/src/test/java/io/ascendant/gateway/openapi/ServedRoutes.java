package io.ascendant.gateway.openapi;

import io.ascendant.admin.problem.AllowedMethods;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operations the running gateway really serves under {@code /v1/} and {@code /admin/}, as {@code "METHOD path"}
 * with OpenAPI path templates: the Vert.x routes of the tenant data path (a regular-expression route is known by its
 * name) and the JAX-RS resource methods.
 */
@ApplicationScoped
public class ServedRoutes {

    @Inject
    AllowedMethods resources;

    private volatile Router router;

    void capture(@Observes Router router) {
        this.router = router;
    }

    /** Every served operation, such as {@code "GET /v1/models/{id}"}. */
    public Set<String> operations() {
        Set<String> out = new TreeSet<>();
        for (Route r : router.getRoutes()) {
            String path = r.isRegexPath() ? r.getName() : r.getPath();
            if (path == null || r.methods() == null || r.methods().isEmpty() || !isApi(path)) {
                continue; // method-less routes are the 405 refusals and failure handlers
            }
            r.methods().forEach(m -> out.add(m.name() + " " + path));
        }
        for (AllowedMethods.Endpoint e : resources.endpoints()) {
            if (isApi(e.template())) {
                e.methods().forEach(m -> out.add(m + " " + e.template()));
            }
        }
        return out;
    }

    /** Whether the path belongs to the tenant or the admin API. */
    public static boolean isApi(String path) {
        return path.startsWith("/v1/") || path.startsWith("/admin/");
    }
}
