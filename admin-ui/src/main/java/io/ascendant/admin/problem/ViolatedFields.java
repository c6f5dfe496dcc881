package io.ascendant.admin.problem;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/**
 * What a Bean Validation violation is about, in the names a client sent ({@link ProblemMappers#constraintViolation}):
 * a property of the JSON body by its path, a path, query or header parameter by its name in the URL or header, or the
 * request body itself.
 */
final class ViolatedFields {

    private ViolatedFields() {}

    static boolean isReturnValue(ConstraintViolation<?> v) {
        for (Path.Node n : v.getPropertyPath()) {
            if (n.getKind() == ElementKind.RETURN_VALUE) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JSON-facing name of a violated property: method and parameter nodes are dropped ({@code create.request.name}
     * becomes {@code name}); a violated parameter itself (query/path parameter) keeps its name.
     */
    static String fieldName(Path path) {
        StringBuilder sb = new StringBuilder();
        String parameter = null;
        for (Path.Node n : path) {
            ElementKind kind = n.getKind();
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (kind == ElementKind.PARAMETER || kind == ElementKind.CROSS_PARAMETER) {
                parameter = n.getName();
                continue;
            }
            if (n.getName() == null) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(n.getName());
            if (n.getIndex() != null) {
                sb.append('[').append(n.getIndex()).append(']');
            } else if (n.getKey() != null) {
                sb.append('[').append(n.getKey()).append(']');
            }
        }
        if (sb.isEmpty()) {
            return parameter == null ? "request" : parameter;
        }
        return sb.toString();
    }

    /**
     * The annotations of the resource-method parameter a violation is about when it is about the parameter itself (a
     * null body, a query parameter), not a property inside it; else null.
     */
    static Annotation[] violatedParameter(Path path, ResourceInfo resource) {
        Integer index = null;
        for (Path.Node n : path) {
            if (n.getKind() == ElementKind.PARAMETER) {
                index = n.as(Path.ParameterNode.class).getParameterIndex();
            } else if (n.getKind() != ElementKind.METHOD && n.getKind() != ElementKind.CONSTRUCTOR) {
                return null;
            }
        }
        Method m = resource == null ? null : resource.getResourceMethod();
        if (index == null || m == null || index >= m.getParameterCount()) {
            return null;
        }
        return m.getParameterAnnotations()[index];
    }

    /** Whether a parameter with these annotations is the request body (no JAX-RS parameter annotation). */
    static boolean isRequestBody(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (wireName(a) != null || a instanceof Context || a instanceof BeanParam) {
                return false;
            }
        }
        return true;
    }

    /** The name a client uses for a path, query or header parameter, else null. */
    static String wireName(Annotation[] annotations) {
        for (Annotation a : annotations) {
            String name = wireName(a);
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    private static String wireName(Annotation a) {
        return switch (a) {
            case QueryParam q -> q.value();
            case PathParam p -> p.value();
            case HeaderParam h -> h.value();
            case FormParam f -> f.value();
            case CookieParam c -> c.value();
            case MatrixParam mp -> mp.value();
            default -> null;
        };
    }
}
