package io.ascendant.gateway.catalogue.admin;

import io.ascendant.admin.problem.ProblemException;
import io.ascendant.admin.tenancy.CurrentAdmin;
import io.ascendant.gateway.catalogue.CatalogueRepository;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The model catalogue admin API: public model routes and pools of model-host endpoints (static, DNS-discovered or
 * registered here). Platform admins only; every change is audited and applies on every replica within seconds.
 */
@Path("/admin/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(AdminRole.PLATFORM_ADMIN)
@Tag(name = "Model catalogue")
public class CatalogueAdminResource {

    @Inject
    ModelRouteAdminService routeAdmin;

    @Inject
    PoolAdminService poolAdmin;

    @Inject
    CurrentAdmin current;

    @GET
    @Path("models")
    public List<CatalogueViews.ModelRouteView> routes() throws SQLException {
        return routeAdmin.routes();
    }

    @GET
    @Path("models/{name}")
    public CatalogueViews.ModelRouteView route(@PathParam("name") String name) throws SQLException {
        return routeAdmin.route(name).orElseThrow(() -> ProblemException.notFound("model '" + name + "'"));
    }

    /** Creates (201) or replaces (200) a route. */
    @PUT
    @Path("models/{name}")
    @APIResponse(
            responseCode = "200",
            description = "The route, replaced",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CatalogueViews.ModelRouteView.class)))
    @APIResponse(
            responseCode = "201",
            description = "The route, created; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CatalogueViews.ModelRouteView.class)))
    public Response putRoute(
            @PathParam("name") String name, @Valid @NotNull CatalogueViews.ModelRouteBody body, UriInfo uri)
            throws SQLException {
        boolean created = routeAdmin.putRoute(current.actor(), name, body);
        CatalogueViews.ModelRouteView view = routeAdmin.route(name).orElseThrow();
        return created
                ? Response.created(uri.getAbsolutePath()).entity(view).build()
                : Response.ok(view).build();
    }

    @DELETE
    @Path("models/{name}")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response deleteRoute(@PathParam("name") String name) throws SQLException {
        if (!routeAdmin.deleteRoute(current.actor(), name)) {
            throw ProblemException.notFound("admin-managed model '" + name + "'");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("pools")
    public List<CatalogueViews.PoolView> pools() throws SQLException {
        return poolAdmin.pools();
    }

    @GET
    @Path("pools/{name}")
    public CatalogueViews.PoolView pool(@PathParam("name") String name) throws SQLException {
        return poolAdmin.pools().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> ProblemException.notFound("pool '" + name + "'"));
    }

    /** Creates (201) or replaces (200) a pool. */
    @PUT
    @Path("pools/{name}")
    @APIResponse(
            responseCode = "200",
            description = "The pool, replaced",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CatalogueViews.PoolView.class)))
    @APIResponse(
            responseCode = "201",
            description = "The pool, created; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CatalogueViews.PoolView.class)))
    public Response putPool(@PathParam("name") String name, @Valid @NotNull CatalogueViews.PoolBody body, UriInfo uri)
            throws SQLException {
        boolean created = poolAdmin.putPool(current.actor(), name, body);
        CatalogueViews.PoolView view = pool(name);
        return created
                ? Response.created(uri.getAbsolutePath()).entity(view).build()
                : Response.ok(view).build();
    }

    @DELETE
    @Path("pools/{name}")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response deletePool(@PathParam("name") String name) throws SQLException {
        if (!poolAdmin.deletePool(current.actor(), name)) {
            throw ProblemException.notFound("admin-managed pool '" + name + "'");
        }
        return Response.noContent().build();
    }

    /** Registers a model-host endpoint: 201 with its id. */
    @POST
    @Path("pools/{name}/endpoints")
    @APIResponse(
            responseCode = "201",
            description = "The registered endpoint; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CatalogueRepository.RegisteredEndpoint.class)))
    public Response register(
            @PathParam("name") String pool, @Valid @NotNull CatalogueViews.EndpointBody body, UriInfo uri)
            throws SQLException {
        CatalogueRepository.RegisteredEndpoint e = poolAdmin.register(current.actor(), pool, body);
        URI location = uri.getAbsolutePathBuilder().path(e.id().toString()).build();
        return Response.created(location).entity(e).build();
    }

    /** Drains (no new requests) or undrains a registered endpoint. */
    @PATCH
    @Path("pools/{name}/endpoints/{id}")
    @APIResponse(responseCode = "204", description = "Draining set as asked")
    public Response drain(
            @PathParam("name") String pool, @PathParam("id") UUID id, @NotNull CatalogueViews.EndpointPatch body)
            throws SQLException {
        if (!poolAdmin.setDraining(current.actor(), pool, id, body.draining())) {
            throw ProblemException.notFound("endpoint " + id + " in pool '" + pool + "'");
        }
        return Response.noContent().build();
    }

    @DELETE
    @Path("pools/{name}/endpoints/{id}")
    @APIResponse(responseCode = "204", description = "Deregistered")
    public Response deregister(@PathParam("name") String pool, @PathParam("id") UUID id) throws SQLException {
        if (!poolAdmin.deregister(current.actor(), pool, id)) {
            throw ProblemException.notFound("endpoint " + id + " in pool '" + pool + "'");
        }
        return Response.noContent().build();
    }
}
