package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/** The answer to a request body Jackson could not read, for {@link ProblemMappers}: where it broke, or which field. */
final class MalformedBodies {

    private MalformedBodies() {}

    /**
     * A body Jackson could not read. Syntax errors (also those Jackson met inside a field and wrapped with its path)
     * say where the body broke ({@link JsonSyntaxErrors}); wrong types and out-of-range integers name the field and
     * what it takes; unknown fields list the known ones.
     */
    static Response answer(JsonProcessingException e, UriInfo uri) {
        String field = null;
        if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            field = jsonPath(jme.getPath());
        }
        Throwable cause = innermostJacksonCause(e);
        String detail;
        if (e instanceof UnrecognizedPropertyException upe) {
            detail = "unknown field " + (field == null ? upe.getPropertyName() : field)
                    + (upe.getKnownPropertyIds() == null
                                    || upe.getKnownPropertyIds().isEmpty()
                            ? "; this request takes no fields (send no body, or {})"
                            : "; this request accepts " + upe.getKnownPropertyIds());
            field = field == null ? upe.getPropertyName() : field;
        } else if (e instanceof StrictAdminBodies.Refusal && field != null) {
            detail = field + ": " + e.getOriginalMessage();
        } else if (cause instanceof InputCoercionException ice && field != null) {
            Class<?> target = ice.getTargetType() == null ? long.class : ice.getTargetType();
            detail = field + ": expected "
                    + (ExpectedValues.isWholeNumber(target)
                            ? ExpectedValues.integerBetween(ExpectedValues.minOf(target), ExpectedValues.maxOf(target))
                            : ExpectedValues.describe(target));
        } else if (cause instanceof StreamReadException syntax && !(cause instanceof InputCoercionException)) {
            detail = JsonSyntaxErrors.describe(syntax);
            field = JsonSyntaxErrors.duplicateField(syntax); // a repeated key names its field, other syntax errors none
        } else if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
            detail = field == null
                    ? "The request body must be " + ExpectedValues.describe(mie.getTargetType()) + "."
                    : field + ": expected " + ExpectedValues.describe(mie.getTargetType());
        } else {
            detail = field == null ? JsonSyntaxErrors.describe(e) : field + ": invalid value";
        }
        if (ProblemMappers.isAdmin(uri)) {
            return ProblemMappers.toResponse(
                    field == null
                            ? Problem.of(ProblemType.MALFORMED_JSON, detail)
                            : Problem.ofField(ProblemType.MALFORMED_JSON, field, detail));
        }
        return ProblemMappers.openAiError(400, detail, field, "invalid_json");
    }

    /** The deepest Jackson exception among {@code e} and its causes (Jackson wraps a field's failure with its path). */
    private static Throwable innermostJacksonCause(JsonProcessingException e) {
        Throwable t = e;
        while (t.getCause() instanceof JsonProcessingException next && next != t) {
            t = next;
        }
        return t;
    }

    private static String jsonPath(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
