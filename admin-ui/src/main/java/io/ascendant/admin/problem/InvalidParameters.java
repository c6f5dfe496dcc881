package io.ascendant.admin.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;

/** The answer to a path or query parameter whose value did not convert (a malformed id, a number that is not one). */
final class InvalidParameters {

    private InvalidParameters() {}

    /**
     * A 400 naming the parameter whose value did not convert: the path or query parameter whose value the converter's
     * message quotes, else the first path parameter named like an id whose value is not a UUID.
     */
    static Response answer(Throwable cause, UriInfo uri) {
        String message = String.valueOf(cause.getMessage());
        String name = null;
        String expected = "a valid value";
        for (var params : List.of(uri.getPathParameters(), uri.getQueryParameters())) {
            for (var entry : params.entrySet()) {
                for (String value : entry.getValue()) {
                    if (name == null && !value.isEmpty() && message.contains(value)) {
                        name = entry.getKey();
                    }
                }
            }
        }
        if (name == null) {
            for (var entry : uri.getPathParameters().entrySet()) {
                if (name == null
                        && entry.getKey().matches("(?i)(.*id)")
                        && !isUuid(entry.getValue().getFirst())) {
                    name = entry.getKey();
                }
            }
        }
        if (message.contains("UUID")
                || name != null
                        && name.matches("(?i).*id")
                        && cause instanceof IllegalArgumentException
                        && !(cause instanceof NumberFormatException)) {
            expected = "a UUID";
        } else if (cause instanceof NumberFormatException) {
            expected = "a whole number";
        }
        if (name == null) {
            return ProblemMappers.toResponse(
                    Problem.of(ProblemType.INVALID_INPUT, "a path or query parameter has an invalid value"));
        }
        return ProblemMappers.toResponse(
                Problem.ofField(ProblemType.INVALID_INPUT, name, name + " must be " + expected));
    }

    private static boolean isUuid(String s) {
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
