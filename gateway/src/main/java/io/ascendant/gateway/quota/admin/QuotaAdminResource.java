package io.ascendant.gateway.quota.admin;

import io.ascendant.admin.problem.ProblemException;
import io.ascendant.admin.tenancy.CurrentAdmin;
import io.ascendant.gateway.quota.admin.QuotaAdminViews.QuotaEventView;
import io.ascendant.gateway.quota.admin.QuotaAdminViews.ShadowLimitBody;
import io.ascendant.gateway.quota.admin.QuotaAdminViews.ShadowLimitView;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.catalogue.KnownModels;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Quota events (soft thresholds crossed, shadow refusals) and shadow limits of a tenant. Errors are
 * {@code application/problem+json}.
 */
@Path("/admin/api/v1/tenants/{tenantId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Quotas")
public class QuotaAdminResource {

    /** The kinds of {@code quota_event} (V060, V071 added EXHAUSTED). */
    private static final Set<String> EVENT_KINDS = Set.of("THRESHOLD", "SHADOW_REFUSAL", "EXHAUSTED");

    @Inject
    QuotaAdminService service;

    @Inject
    CurrentAdmin current;

    @Inject
    KnownModels models;

    /**
     * Events after {@code after} (an event id; 0 for the first page), oldest first, at most {@code limit}. A negative
     * {@code after} or a {@code limit} outside 1 to 500 is a 400 naming it.
     *
     * @param kind THRESHOLD, SHADOW_REFUSAL or EXHAUSTED (a hard budget's first refusal), or absent for all
     */
    @GET
    @Path("quota-events")
    public List<QuotaEventView> events(
            @PathParam("tenantId") UUID tenantId,
            @QueryParam("kind") String kind,
            @QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("100") int limit)
            throws SQLException {
        if (kind != null && !EVENT_KINDS.contains(kind)) {
            throw ProblemException.invalid("kind", "kind must be THRESHOLD, SHADOW_REFUSAL or EXHAUSTED");
        }
        if (after < 0) {
            throw ProblemException.invalid(
                    "after",
                    "after must be 0 (the first page) or the id of the last event of a previous page, got " + after);
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit", "limit must be a whole number from 1 to 500, got " + limit);
        }
        return service.events(current.actor(), tenantId, kind, after, limit);
    }

    /** The tenant's shadow limits. */
    @GET
    @Path("shadow-limits")
    @RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
    public List<ShadowLimitView> shadowLimits(@PathParam("tenantId") UUID tenantId) throws SQLException {
        return service.shadowLimits(current.actor(), tenantId);
    }

    /**
     * Creates or replaces the shadow limit of (scope, owner, model); 201 with its location. A model that is not the
     * public name of a catalogue model (unknown, or an alias) is a 400 naming {@code model}.
     */
    @POST
    @Path("shadow-limits")
    @RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
    @APIResponse(
            responseCode = "201",
            description = "The shadow limit; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ShadowLimitView.class)))
    public Response putShadowLimit(
            @PathParam("tenantId") UUID tenantId,
            @Valid @NotNull ShadowLimitBody body,
            @jakarta.ws.rs.core.Context UriInfo uri)
            throws SQLException {
        if ((body.budgetTokens() != null || body.budgetAmount() != null) && body.budgetPeriod() == null) {
            throw ProblemException.invalid("budgetPeriod", "a budget needs budgetPeriod DAY or MONTH");
        }
        models.requireForLimits("model", body.model() == null ? "*" : body.model());
        ShadowLimitView stored = service.putShadowLimit(current.actor(), tenantId, body);
        if (stored == null) {
            throw ProblemException.invalid(
                    "ownerId", "no " + body.scope().toLowerCase() + " with this id in the tenant");
        }
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(stored.id().toString())
                        .build())
                .entity(stored)
                .build();
    }

    /** Deletes a shadow limit; 404 when the tenant has none with that id. */
    @DELETE
    @Path("shadow-limits/{id}")
    @RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response deleteShadowLimit(@PathParam("tenantId") UUID tenantId, @PathParam("id") UUID id)
            throws SQLException {
        if (!service.deleteShadowLimit(current.actor(), tenantId, id)) {
            throw ProblemException.notFound("shadow limit " + id);
        }
        return Response.noContent().build();
    }
}
