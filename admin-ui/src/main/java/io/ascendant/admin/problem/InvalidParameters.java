package io.ascendant.admin.problem;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The answer to a path or query parameter whose value did not convert (a malformed id, a number that is not one). */
final class InvalidParameters {

    /** A whole number as text: one that does not convert is out of its parameter's range, not malformed. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");

    private InvalidParameters() {}

    /**
     * A 400 naming the parameter whose value did not convert: the path or query parameter whose value the converter's
     * message quotes, else the first path parameter named like an id whose value is not a UUID. A whole number beyond
     * the parameter's range (an id past {@link Long#MAX_VALUE}) is answered as out of range, with the range.
     *
     * @param resource the matched resource method, for the parameter's type and bounds; may be null
     */
    static Response answer(Throwable cause, UriInfo uri, ResourceInfo resource) {
        String message = String.valueOf(cause.getMessage());
        String name = null;
        String value = null;
        String expected = "a valid value";
        for (var params : List.of(uri.getPathParameters(), uri.getQueryParameters())) {
            for (var entry : params.entrySet()) {
                for (String v : entry.getValue()) {
                    if (name == null && !v.isEmpty() && message.contains(v)) {
                        name = entry.getKey();
                        value = v;
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
                    value = entry.getValue().getFirst();
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
            if (name != null && value != null && WHOLE_NUMBER.matcher(value).matches()) {
                long[] range = range(resource, name);
                return ProblemMappers.toResponse(Problem.ofField(
                        ProblemType.INVALID_INPUT,
                        name,
                        name + " is out of range: it must be a whole number from " + range[0] + " to " + range[1]));
            }
        }
        if (name == null) {
            return ProblemMappers.toResponse(
                    Problem.of(ProblemType.INVALID_INPUT, "a path or query parameter has an invalid value"));
        }
        // A parameter with a syntax of its own (an instant, a date, a zone) is told that syntax.
        Class<?> type = expected.equals("a valid value") ? type(resource, name) : null;
        String textual = type == null ? null : ExpectedValues.textual(type);
        if (textual != null) {
            expected = textual;
        } else if (type != null && type.isEnum()) {
            // A status filter (?status=BOGUS) is told the values it takes.
            expected = "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(c -> ((Enum<?>) c).name())
                            .collect(Collectors.joining(", "));
        }
        return ProblemMappers.toResponse(
                Problem.ofField(ProblemType.INVALID_INPUT, name, name + " must be " + expected));
    }

    /**
     * {@code {min, max}} of the whole-number path or query parameter {@code name} of the matched method: its type's
     * range narrowed by its Bean Validation bounds; a path parameter named like an id ({@code id}, {@code versionId})
     * without bounds starts at 1, as every numeric id does. Without the method, a long's range (from 1 for an id).
     */
    private static long[] range(ResourceInfo resource, String name) {
        Method m = resource == null ? null : resource.getResourceMethod();
        if (m != null) {
            for (Parameter p : m.getParameters()) {
                PathParam path = p.getAnnotation(PathParam.class);
                QueryParam query = p.getAnnotation(QueryParam.class);
                boolean isPath = path != null && path.value().equals(name);
                if (isPath || query != null && query.value().equals(name)) {
                    return bounds(p, ExpectedValues.minOf(p.getType()), ExpectedValues.maxOf(p.getType()), isPath);
                }
            }
        }
        return new long[] {isId(name) ? 1 : Long.MIN_VALUE, Long.MAX_VALUE};
    }

    /** The Java type of the path or query parameter {@code name} of the matched method, or null if unknown. */
    private static Class<?> type(ResourceInfo resource, String name) {
        Method m = resource == null ? null : resource.getResourceMethod();
        if (m == null) {
            return null;
        }
        for (Parameter p : m.getParameters()) {
            PathParam path = p.getAnnotation(PathParam.class);
            QueryParam query = p.getAnnotation(QueryParam.class);
            if (path != null && path.value().equals(name)
                    || query != null && query.value().equals(name)) {
                return p.getType();
            }
        }
        return null;
    }

    private static long[] bounds(Parameter p, long min, long max, boolean isPath) {
        boolean declared = false;
        if (p.getAnnotation(Min.class) != null) {
            min = Math.max(min, p.getAnnotation(Min.class).value());
            declared = true;
        }
        if (p.getAnnotation(Max.class) != null) {
            max = Math.min(max, p.getAnnotation(Max.class).value());
            declared = true;
        }
        if (p.getAnnotation(Positive.class) != null) {
            min = Math.max(min, 1);
            declared = true;
        }
        if (p.getAnnotation(PositiveOrZero.class) != null) {
            min = Math.max(min, 0);
            declared = true;
        }
        if (!declared && isPath && isId(p.getAnnotation(PathParam.class).value())) {
            min = Math.max(min, 1);
        }
        return new long[] {min, max};
    }

    private static boolean isId(String name) {
        return name.matches("(?i)(.*id)");
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
