package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.logging.Log;
import io.quarkus.security.ForbiddenException;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place that turns exceptions into {@code application/problem+json} on {@code /admin/*} paths.
 *
 * <p>Bean Validation and JSON parse errors are global exceptions, so these mappers see them for every path. On admin
 * paths they answer a {@link Problem} naming the field; on other paths (the tenant API) they answer the OpenAI-shaped
 * {@code {"error":{"message","type","param","code"}}} so that the tenant API never sees a problem document and never a
 * 500 for bad input. Messages name the field and the reason, never the rejected value (it could be a secret).
 */
public class ProblemMappers {

    /** Path prefix of the admin API and console, whose every error is a problem document. */
    public static final String ADMIN_PREFIX = "/admin/";

    /** Path prefix of the tenant API (OpenAI and Anthropic); failures there answer in those APIs' error shapes. */
    static final String TENANT_PREFIX = "/v1/";

    /** {@code Retry-After} (seconds) of a 503 for an unavailable database: a stall is usually over within seconds. */
    public static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    @Inject
    AllowedMethods allowedMethods;

    /** Renders a {@link ProblemException} thrown by an admin resource. */
    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return toResponse(e.problem());
    }

    /** Bean Validation failures on request parameters/bodies: 400 with every field at fault. */
    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri, ResourceInfo resource) {
        boolean returnValue = e.getConstraintViolations().stream().anyMatch(ProblemMappers::isReturnValue);
        if (returnValue) {
            // Our own response broke its contract: a server bug, not bad input.
            return internal(e, uri);
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            Annotation[] parameter = violatedParameter(v.getPropertyPath(), resource);
            if (parameter != null && isRequestBody(parameter) && v.getInvalidValue() == null) {
                // A missing body: the Java parameter's name means nothing to a client.
                String detail = "the request body is required (a JSON object)";
                return isAdmin(uri)
                        ? toResponse(Problem.of(ProblemType.INVALID_INPUT, detail))
                        : openAiError(400, detail, null, "invalid_value");
            }
            String field = parameter == null ? null : wireName(parameter);
            errors.add(new Problem.FieldError(field == null ? fieldName(v.getPropertyPath()) : field, v.getMessage()));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field));
        if (isAdmin(uri)) {
            String detail = errors.size() == 1
                    ? errors.getFirst().field() + ": " + errors.getFirst().message()
                    : "request has " + errors.size() + " invalid fields";
            return toResponse(Problem.ofFields(ProblemType.INVALID_INPUT, detail, errors));
        }
        Problem.FieldError first = errors.getFirst();
        return openAiError(400, first.field() + ": " + first.message(), first.field(), "invalid_value");
    }

    /** JSON that parses but does not fit the expected shape (wrong type, unknown enum value, missing body). */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return malformed(e, uri);
    }

    /** Any other Jackson failure reaching us (syntax errors, bad tokens). */
    @ServerExceptionMapper
    public Response jsonProcessing(JsonProcessingException e, UriInfo uri) {
        return malformed(e, uri);
    }

    /**
     * JAX-RS exceptions (404 for an unknown path, 405, 415, and the 400 the JSON reader throws for syntax errors): on
     * admin paths rendered as problems; elsewhere, when they have no body, in the shape of the API the path addresses
     * (OpenAI's or Anthropic's under the tenant API, a problem document on the other paths). A 405 carries {@code Allow} ({@link AllowedMethods}) in every case, and a
     * 404 for a method on a resource path that does not serve it becomes that 405.
     */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, Request request) {
        if (e.getResponse().getStatus() == 404 // also from a sub-resource, which is not a NotFoundException
                && (e.getCause() == null || e.getCause() instanceof WebApplicationException)
                && !e.getResponse().hasEntity()
                && uri != null
                && request != null) {
            // No resource method matched; when the path is a resource's, the method is what was wrong (RFC 9110).
            var allow = allowedMethods.refusing(uri.getRequestUri().getPath(), request.getMethod());
            if (allow.isPresent()) {
                e = new NotAllowedException(
                        Response.status(405).header("Allow", allow.get()).build());
            }
        }
        if (e.getResponse().getStatus() == 405
                && e.getResponse().getHeaderString("Allow") == null
                && !e.getResponse().hasEntity()
                && uri != null) {
            var allow = allowedMethods.allowFor(uri.getRequestUri().getPath());
            if (allow.isPresent()) {
                e = new NotAllowedException(
                        Response.status(405).header("Allow", allow.get()).build());
            }
        }
        return webApplicationAnswer(e, uri, request);
    }

    private Response webApplicationAnswer(WebApplicationException e, UriInfo uri, Request request) {
        if (!isAdmin(uri)) {
            return nonAdminFailure(e, uri, request);
        }
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return malformed(jpe, uri);
        }
        if (e instanceof NotFoundException
                && e.getCause() != null
                && !(e.getCause() instanceof WebApplicationException)) {
            // JAX-RS answers 404 when a path or query parameter does not convert (a tenant id that is not a UUID):
            // the resource exists, the input is wrong, so it is a 400 naming the parameter.
            return invalidParameter(e.getCause(), uri);
        }
        Response original = e.getResponse();
        if (original.hasEntity()) {
            return original;
        }
        int status = original.getStatus();
        ProblemType type = ProblemType.forStatus(status);
        Problem p = new Problem(type.uri(), type.title(), status, reasonFor(status, original), null, null);
        Response.ResponseBuilder b =
                Response.status(status).type(Problem.MEDIA_TYPE).entity(p);
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return b.build();
    }

    /**
     * A JAX-RS failure outside the admin API. A failure without a body (an unknown path such as {@code POST
     * /v1/embeddings} or {@code GET /}, a method a resource lacks) is answered in the error shape of the API the path
     * addresses, by the same rule as the gateway's {@code AddressedApi} (which this module cannot see): Anthropic's
     * under {@code /v1/messages} and {@code /anthropic/}, OpenAI's under {@code /v1/}, and a problem document
     * naming the path everywhere else (health, metrics, OpenAPI and any other path). A failure with a body passes
     * through untouched.
     */
    private static Response nonAdminFailure(WebApplicationException e, UriInfo uri, Request request) {
        Response original = e.getResponse();
        String path = uri == null ? null : uri.getRequestUri().getPath();
        if (original.hasEntity() || path == null) {
            return original;
        }
        int status = original.getStatus();
        String method = request == null ? "?" : request.getMethod();
        boolean anthropic =
                path.equals("/v1/messages") || path.startsWith("/v1/messages/") || path.startsWith("/anthropic/");
        boolean openAi = !anthropic && (path.equals("/v1") || path.startsWith(TENANT_PREFIX));
        Response.ResponseBuilder b;
        if (anthropic) {
            String message = status == 404
                    ? "Invalid URL (" + method + " " + path + "): this gateway serves Anthropic's Messages API at"
                            + " /v1/messages (base URL without /anthropic), and OpenAI's API under /v1/."
                    : method + " " + path + ": " + reasonFor(status, original) + ".";
            Map<String, Object> error = new java.util.LinkedHashMap<>();
            error.put("type", status == 404 ? "not_found_error" : "invalid_request_error");
            error.put("message", message);
            Map<String, Object> root = new java.util.LinkedHashMap<>();
            root.put("type", "error");
            root.put("error", error);
            b = Response.status(status).type("application/json").entity(root);
        } else if (openAi) {
            String message = status == 404
                    ? "Invalid URL (" + method + " " + path + "): this gateway serves /v1/chat/completions,"
                            + " /v1/completions, /v1/models, /v1/messages, /v1/messages/count_tokens,"
                            + " /v1/usage and /v1/invoices."
                    : method + " " + path + ": " + reasonFor(status, original) + ".";
            String code = status == 404 ? "unknown_url" : status == 405 ? "method_not_allowed" : "invalid_request";
            b = Response.fromResponse(openAiError(status, message, null, code));
        } else {
            String detail = status == 404
                    ? "No resource at " + method + " " + path + ". The tenant API is under /v1/ (OpenAI's API and"
                            + " Anthropic's /v1/messages), the admin API under /admin/api/v1/ and its console at"
                            + " /admin/; health, metrics and the OpenAPI document are at /q/health, /q/metrics and"
                            + " /q/openapi."
                    : method + " " + path + ": " + reasonFor(status, original);
            ProblemType type = ProblemType.forStatus(status);
            b = Response.status(status)
                    .type(Problem.MEDIA_TYPE)
                    .entity(new Problem(type.uri(), type.title(), status, detail, null, null));
        }
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return b.build();
    }

    /**
     * A persistence failure (Hibernate and JPA wrap the JDBC exception). A unique-constraint violation, the loser of a
     * race past a service's "already exists?" check, is a 409 naming the field ({@link UniqueViolations}); anything
     * else is an internal error with a log reference, never a stack trace.
     */
    @ServerExceptionMapper
    public Response persistence(jakarta.persistence.PersistenceException e, UriInfo uri) {
        return conflictOrInternal(e, uri);
    }

    /** A transaction that failed at commit (a deferred unique violation arrives wrapped this way). */
    @ServerExceptionMapper
    public Response rollback(jakarta.transaction.RollbackException e, UriInfo uri) {
        return conflictOrInternal(e, uri);
    }

    /** A transaction the {@code @Transactional} interceptor could not complete (commit-time failures, wrapped). */
    @ServerExceptionMapper
    public Response transactional(jakarta.transaction.TransactionalException e, UriInfo uri) {
        return conflictOrInternal(e, uri);
    }

    /**
     * An {@link IllegalStateException} reaching a resource: our JDBC code wraps a failed statement in one (for example
     * {@code UsageQueries} behind {@code GET /v1/usage}). When its cause says the database is unavailable
     * ({@link DatabaseUnavailable}) it is a 503 with {@code Retry-After}; anything else is an internal error with a log
     * reference in the addressed API's shape, never Quarkus's plain-text page with a stack trace.
     */
    @ServerExceptionMapper
    public Response illegalState(IllegalStateException e, UriInfo uri) {
        if (DatabaseUnavailable.in(e)) {
            return databaseUnavailable(e, uri);
        }
        return internal(e, uri);
    }

    /**
     * PostgreSQL did not answer in time or could not be reached ({@link DatabaseUnavailable}): 503 with {@code
     * Retry-After: }{@value #DATABASE_RETRY_AFTER_SECONDS}; problem+json ({@link ProblemType#UNAVAILABLE}) on admin
     * paths, OpenAI's shape with code {@code database_unavailable} elsewhere. The body never carries SQL or a trace.
     */
    static Response databaseUnavailable(Exception e, UriInfo uri) {
        Log.warnf(
                "database unavailable on %s: %s",
                uri == null ? "?" : uri.getRequestUri().getPath(), rootMessage(e));
        Response r = isAdmin(uri)
                ? toResponse(
                        Problem.of(ProblemType.UNAVAILABLE, "the database is not answering; retry in a few seconds"))
                : openAiError(
                        503, "The database is not answering; retry in a few seconds.", null, "database_unavailable");
        return Response.fromResponse(r)
                .header("Retry-After", String.valueOf(DATABASE_RETRY_AFTER_SECONDS))
                .build();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static Response conflictOrInternal(Exception e, UriInfo uri) {
        if (DatabaseUnavailable.in(e)) {
            return databaseUnavailable(e, uri);
        }
        var violation = UniqueViolations.find(e);
        if (violation.isEmpty()) {
            return internal(e, uri);
        }
        Log.debugf("unique violation of %s answered as 409", violation.get().constraint());
        if (isAdmin(uri)) {
            return toResponse(UniqueViolations.problem(violation.get()));
        }
        String field = violation.get().field();
        return openAiError(
                409,
                field == null ? "the request conflicts with an existing resource" : field + " is already taken",
                field,
                "conflict");
    }

    /** Role checks ({@code @RolesAllowed}) failing for an authenticated admin: 403 problem. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        if (!isAdmin(uri)) {
            return openAiError(403, "this API key may not do this", null, "forbidden");
        }
        return toResponse(Problem.of(ProblemType.FORBIDDEN, "your roles do not allow this operation"));
    }

    /**
     * A 400 naming the parameter whose value did not convert: the path or query parameter whose value the converter's
     * message quotes, else the first path parameter named like an id whose value is not a UUID.
     */
    static Response invalidParameter(Throwable cause, UriInfo uri) {
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
            return toResponse(Problem.of(ProblemType.INVALID_INPUT, "a path or query parameter has an invalid value"));
        }
        return toResponse(Problem.ofField(ProblemType.INVALID_INPUT, name, name + " must be " + expected));
    }

    private static boolean isUuid(String s) {
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A problem as a JAX-RS response with the problem media type. */
    public static Response toResponse(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    /**
     * A body Jackson could not read. Syntax errors (also those Jackson met inside a field and wrapped with its path)
     * say where the body broke ({@link JsonSyntaxErrors}); wrong types and out-of-range integers name the field and
     * what it takes; unknown fields list the known ones.
     */
    private static Response malformed(JsonProcessingException e, UriInfo uri) {
        String field = null;
        if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            field = jsonPath(jme.getPath());
        }
        Throwable cause = innermostJacksonCause(e);
        String detail;
        if (e instanceof UnrecognizedPropertyException upe) {
            detail = "unknown field " + (field == null ? upe.getPropertyName() : field) + "; this request accepts "
                    + upe.getKnownPropertyIds();
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
        if (isAdmin(uri)) {
            return toResponse(
                    field == null
                            ? Problem.of(ProblemType.MALFORMED_JSON, detail)
                            : Problem.ofField(ProblemType.MALFORMED_JSON, field, detail));
        }
        return openAiError(400, detail, field, "invalid_json");
    }

    /** The deepest Jackson exception among {@code e} and its causes (Jackson wraps a field's failure with its path). */
    private static Throwable innermostJacksonCause(JsonProcessingException e) {
        Throwable t = e;
        while (t.getCause() instanceof JsonProcessingException next && next != t) {
            t = next;
        }
        return t;
    }

    private static Response internal(Exception e, UriInfo uri) {
        String ref = UUID.randomUUID().toString();
        Log.errorf(e, "internal error, reference %s", ref);
        if (isAdmin(uri)) {
            return toResponse(Problem.of(ProblemType.INTERNAL, "internal error, reference " + ref));
        }
        return openAiError(500, "internal error, reference " + ref, null, "internal_error");
    }

    private static Response openAiError(int status, String message, String param, String code) {
        String type = status == 503
                ? "service_unavailable"
                : status >= 500 ? "server_error" : status == 403 ? "permission_error" : "invalid_request_error";
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Response.status(status)
                .type("application/json")
                .entity(Map.of("error", error))
                .build();
    }

    private static boolean isAdmin(UriInfo uri) {
        String path = uri == null ? null : uri.getRequestUri().getPath();
        return path != null && (path.startsWith(ADMIN_PREFIX) || path.equals("/admin"));
    }

    private static boolean isReturnValue(ConstraintViolation<?> v) {
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
    private static Annotation[] violatedParameter(Path path, ResourceInfo resource) {
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
    private static boolean isRequestBody(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (wireName(a) != null || a instanceof Context || a instanceof BeanParam) {
                return false;
            }
        }
        return true;
    }

    /** The name a client uses for a path, query or header parameter, else null. */
    private static String wireName(Annotation[] annotations) {
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

    private static String reasonFor(int status, Response original) {
        String allow = original == null ? null : original.getHeaderString("Allow");
        return switch (status) {
            case 404 -> "no such resource";
            case 405 ->
                allow == null
                        ? "method not allowed on this resource"
                        : "method not allowed on this resource; it allows " + allow;
            case 406 -> "no acceptable representation";
            case 415 -> "unsupported media type; send application/json";
            default -> {
                Response.Status s = Response.Status.fromStatusCode(status);
                yield s == null ? "request failed" : s.getReasonPhrase();
            }
        };
    }
}
