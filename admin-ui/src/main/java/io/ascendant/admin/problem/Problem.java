package io.ascendant.admin.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem document, the body of every error answer on {@code /admin/*} paths (media type {@code
 * application/problem+json}).
 *
 * <p>{@code type} is a stable URI per kind of problem ({@code urn:ascendant:problem:<slug>}) that clients switch on;
 * {@code title} is the short human summary of that type; {@code detail} says what was wrong in this request. When the
 * problem concerns one input field, {@code field} names it (JSON property path, e.g. {@code limits.requestsPerMinute});
 * {@code errors} lists every field at fault when there are several. Never carries secrets, stack traces or class names.
 *
 * @param type stable problem type URI
 * @param title short summary of the problem type
 * @param status HTTP status code
 * @param detail what was wrong in this request
 * @param field the input field at fault, or {@code null}
 * @param errors all fields at fault (may be empty, never {@code null} on the wire when present)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, String field, List<FieldError> errors) {

    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * One invalid input field.
     *
     * @param field JSON property path of the field
     * @param message why it is invalid, naming the limit when there is one
     */
    public record FieldError(String field, String message) {}

    /** A problem without a field. */
    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail, null, null);
    }

    /** A problem about one field. */
    public static Problem ofField(ProblemType type, String field, String detail) {
        return new Problem(
                type.uri(), type.title(), type.status(), detail, field, List.of(new FieldError(field, detail)));
    }

    /** A problem about several fields; {@code field} is the first of them. */
    public static Problem ofFields(ProblemType type, String detail, List<FieldError> errors) {
        String first = errors.isEmpty() ? null : errors.getFirst().field();
        return new Problem(type.uri(), type.title(), type.status(), detail, first, List.copyOf(errors));
    }
}
