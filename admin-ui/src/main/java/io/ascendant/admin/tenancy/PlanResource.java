package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.limits.LimitSetView;
import io.ascendant.tenancy.limits.LimitsService;
import io.ascendant.tenancy.limits.PlanRequest;
import io.ascendant.tenancy.limits.PlanService;
import io.ascendant.tenancy.limits.PlanView;
import io.ascendant.tenancy.limits.PutLimitsRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Plans: defaults of tenant-level limits. */
@Path(AdminApi.V1 + "/plans")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "Plans")
public class PlanResource {

    @Inject
    CurrentAdmin current;

    @Inject
    PlanService plans;

    @Inject
    LimitsService limits;

    @GET
    @Operation(summary = "List plans with their limits")
    public List<PlanView> list() {
        return plans.list(current.actor());
    }

    @GET
    @Path("{code}")
    @Operation(summary = "Get a plan")
    public PlanView get(@PathParam("code") String code) {
        return plans.get(current.actor(), code);
    }

    @POST
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Create a plan")
    @APIResponse(
            responseCode = "201",
            description = "The plan; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanView.class)))
    public Response create(@NotNull @Valid PlanRequest r, UriInfo uri) {
        PlanView p = plans.create(current.actor(), r);
        return Response.created(uri.getAbsolutePathBuilder().path(p.code()).build())
                .entity(p)
                .build();
    }

    @PUT
    @Path("{code}")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Rename / describe a plan")
    public PlanView update(@PathParam("code") String code, @NotNull @Valid PlanRequest r) {
        return plans.update(current.actor(), code, r);
    }

    @PUT
    @Path("{code}/limits")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Set a plan's default limits for one model ('*' = all)")
    public LimitSetView putLimits(@PathParam("code") String code, @NotNull @Valid PutLimitsRequest r) {
        return limits.putPlanLimits(current.actor(), code, r);
    }
}
