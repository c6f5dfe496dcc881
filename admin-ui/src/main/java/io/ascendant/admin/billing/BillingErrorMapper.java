package io.ascendant.admin.billing;

import io.ascendant.admin.problem.Problem;
import io.ascendant.admin.problem.ProblemMappers;
import io.ascendant.admin.problem.ProblemType;
import io.ascendant.billing.BillingException;
import io.ascendant.tenancy.apikey.TenantApiErrorBody;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Renders billing refusals: on {@code /admin/*} as problem documents (400 naming the field, 404, 409 naming the field if
 * one is at fault); on the tenant
 * API ({@code /v1/*}) OpenAI-style {@code {"error":{...}}} with the same status.
 */
public class BillingErrorMapper {

    @ServerExceptionMapper
    public Response map(BillingException e, UriInfo uri) {
        ProblemType type = switch (e) {
            case BillingException.Invalid i -> ProblemType.INVALID_INPUT;
            case BillingException.NotFound n -> ProblemType.NOT_FOUND;
            case BillingException.Conflict c -> ProblemType.CONFLICT;
        };
        String field = switch (e) {
            case BillingException.Invalid i -> i.field();
            case BillingException.Conflict c -> c.field();
            case BillingException.NotFound n -> null;
        };
        String path = uri == null ? "" : uri.getRequestUri().getPath();
        if (path.startsWith(ProblemMappers.ADMIN_PREFIX)) {
            return ProblemMappers.toResponse(
                    field == null ? Problem.of(type, e.getMessage()) : Problem.ofField(type, field, e.getMessage()));
        }
        String code = switch (e) {
            case BillingException.Invalid i -> "invalid_value";
            case BillingException.NotFound n -> "not_found";
            case BillingException.Conflict c -> "conflict";
        };
        TenantApiErrorBody body = new TenantApiErrorBody(
                new TenantApiErrorBody.Error(e.getMessage(), "invalid_request_error", field, code));
        return Response.status(type.status())
                .type("application/json")
                .entity(body.toJson())
                .build();
    }
}
