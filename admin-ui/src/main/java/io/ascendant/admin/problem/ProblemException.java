package io.ascendant.admin.problem;

import java.util.List;

/**
 * Thrown by admin resources (or services called only from them) to answer with a {@link Problem}. Rendered by
 * {@link ProblemMappers}. The message is the problem's {@code detail}, so it must never contain secrets.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    /** Answers with the given problem. */
    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    /** The problem to render. */
    public Problem problem() {
        return problem;
    }

    /** 404: {@code what} (e.g. "tenant 3f2…") does not exist or is not visible to the caller. */
    public static ProblemException notFound(String what) {
        return new ProblemException(Problem.of(ProblemType.NOT_FOUND, what + " does not exist"));
    }

    /** 409 about one field, e.g. a duplicate name. */
    public static ProblemException conflict(String field, String detail) {
        return new ProblemException(Problem.ofField(ProblemType.CONFLICT, field, detail));
    }

    /** 409 without a field, e.g. an illegal state transition. */
    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(ProblemType.CONFLICT, detail));
    }

    /** 400 naming the invalid field and the reason. */
    public static ProblemException invalid(String field, String detail) {
        return new ProblemException(Problem.ofField(ProblemType.INVALID_INPUT, field, detail));
    }

    /** 400 naming several invalid fields. */
    public static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(Problem.ofFields(ProblemType.INVALID_INPUT, "request has invalid fields", errors));
    }

    /** 403. */
    public static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(ProblemType.FORBIDDEN, detail));
    }

    /** 503: a dependency is unavailable. */
    public static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(ProblemType.UNAVAILABLE, detail));
    }
}
