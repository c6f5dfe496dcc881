package io.ascendant.admin.billing;

import io.ascendant.admin.problem.Problem;
import io.ascendant.admin.problem.ProblemException;
import io.ascendant.admin.problem.ProblemType;
import io.ascendant.admin.tenancy.AdminApi;
import io.ascendant.admin.tenancy.CurrentAdmin;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The price book: list prices and tenant overrides; versions are only ever added. */
@Path(AdminApi.V1 + "/billing/price-book")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(AdminRole.PLATFORM_ADMIN)
@Tag(name = "Billing")
public class PriceBookResource {

    @Inject
    PriceBookService prices;

    @Inject
    CurrentAdmin current;

    @Inject
    Validator validator;

    @GET
    @Operation(summary = "List all price-book versions (list prices and tenant overrides)")
    public List<PriceVersionBody> list() {
        return prices.list().stream().map(PriceVersionBody::of).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One price-book version")
    public PriceVersionBody get(@PathParam("id") long id) {
        return prices.find(id)
                .map(PriceVersionBody::of)
                .orElseThrow(() -> new BillingException.NotFound("price version " + id + " does not exist"));
    }

    /**
     * The sample is validated after the version is found (not by {@code @Valid}, which runs before the method), so a
     * version that does not exist is a 404 whatever the body, and a bad sample for one that does is a 400 naming the
     * field.
     */
    @POST
    @Path("{id}/preview")
    @Operation(
            summary = "What a sample request would cost under this version, per price window (exact decimals,"
                    + " billing's rating rule)")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = PricePreview.Sample.class)))
    public PricePreview preview(@PathParam("id") long id, PricePreview.Sample sample) {
        PriceVersion v = prices.find(id)
                .orElseThrow(() -> new BillingException.NotFound("price version " + id + " does not exist"));
        if (sample == null) {
            throw new ProblemException(Problem.of(
                    ProblemType.INVALID_INPUT,
                    "the request body is required: a JSON object with cacheHitTokens, cacheMissTokens and"
                            + " outputTokens"));
        }
        Set<ConstraintViolation<PricePreview.Sample>> violations = validator.validate(sample);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return PricePreview.of(v, sample);
    }

    @POST
    @Operation(summary = "Add a price-book version, effective in the future (never edits an existing one)")
    @APIResponse(
            responseCode = "201",
            description = "The price-book version; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PriceVersionBody.class)))
    public Response add(@NotNull @Valid PriceVersionBody body, UriInfo uri) {
        PriceVersion v = prices.add(body.toDomain(), current.actor().auditName());
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(String.valueOf(v.id()))
                        .build())
                .entity(PriceVersionBody.of(v))
                .build();
    }
}
