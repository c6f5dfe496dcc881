package io.ascendant.admin.tenancy;

import io.ascendant.admin.problem.Problem;
import io.ascendant.admin.problem.ProblemMappers;
import io.ascendant.admin.problem.ProblemType;
import io.ascendant.tenancy.common.TenancyException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Renders tenancy refusals as problem documents: 404, 409, 400 (naming the field), 403, 503. */
public class TenancyProblemMapper {

    @ServerExceptionMapper
    public Response map(TenancyException e) {
        ProblemType type = switch (e) {
            case TenancyException.NotFound nf -> ProblemType.NOT_FOUND;
            case TenancyException.Conflict c -> ProblemType.CONFLICT;
            case TenancyException.Invalid i -> ProblemType.INVALID_INPUT;
            case TenancyException.Denied d -> ProblemType.FORBIDDEN;
            case TenancyException.Unavailable u -> {
                Log.warnf(e.getCause(), "dependency unavailable: %s", e.getMessage());
                yield ProblemType.UNAVAILABLE;
            }
        };
        Problem p =
                e.field() == null ? Problem.of(type, e.getMessage()) : Problem.ofField(type, e.field(), e.getMessage());
        return ProblemMappers.toResponse(p);
    }
}
