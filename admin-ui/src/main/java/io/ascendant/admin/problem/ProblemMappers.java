package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.quarkus.security.ForbiddenException;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.annotation.Annotation;
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
        boolean returnValue = e.getConstraintViolations().stream().anyMatch(ViolatedFields::isReturnValue);
        if (returnValue) {
            // Our own response broke its contract: a server bug, not bad input.
            return internal(e, uri);
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            Annotation[] parameter = ViolatedFields.violatedParameter(v.getPropertyPath(), resource);
            if (parameter != null && ViolatedFields.isRequestBody(parameter) && v.getInvalidValue() == null) {
                // A missing body: the Java parameter's name means nothing to a client.
                String detail = "the request body is required (a JSON object)";
                return isAdmin(uri)
                        ? toResponse(Problem.of(ProblemType.INVALID_INPUT, detail))
                        : openAiError(400, detail, null, "invalid_value");
            }
            String field = parameter == null ? null : ViolatedFields.wireName(parameter);
            errors.add(new Problem.FieldError(
                    field == null ? ViolatedFields.fieldName(v.getPropertyPath()) : field, v.getMessage()));
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
        return MalformedBodies.answer(e, uri);
    }

    /** Any other Jackson failure reaching us (syntax errors, bad tokens). */
    @ServerExceptionMapper
    public Response jsonProcessing(JsonProcessingException e, UriInfo uri) {
        return MalformedBodies.answer(e, uri);
    }

    /**
     * JAX-RS exceptions (404 for an unknown path, 405, 415, and the 400 the JSON reader throws for syntax errors): on
     * admin paths rendered as problems; elsewhere, when they have no body, in the shape of the API the path addresses
     * (OpenAI's or Anthropic's under the tenant API, a problem document on the other paths). A 405 carries {@code Allow} ({@link AllowedMethods}) in every case, and a
     * 404 for a method on a resource path that does not serve it becomes that 405.
     */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, Request request, ResourceInfo resource) {
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
        return webApplicationAnswer(e, uri, request, resource);
    }

    private Response webApplicationAnswer(
            WebApplicationException e, UriInfo uri, Request request, ResourceInfo resource) {
        if (!isAdmin(uri)) {
            return nonAdminFailure(e, uri, request);
        }
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return MalformedBodies.answer(jpe, uri);
        }
        if (e instanceof NotFoundException
                && e.getCause() != null
                && !(e.getCause() instanceof WebApplicationException)) {
            // JAX-RS answers 404 when a path or query parameter does not convert (a tenant id that is not a UUID):
            // the resource exists, the input is wrong, so it is a 400 naming the parameter.
            return InvalidParameters.answer(e.getCause(), uri, resource);
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

    /** A problem as a JAX-RS response with the problem media type. */
    public static Response toResponse(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    static Response internal(Exception e, UriInfo uri) {
        String ref = UUID.randomUUID().toString();
        Log.errorf(e, "internal error, reference %s", ref);
        if (isAdmin(uri)) {
            return toResponse(Problem.of(ProblemType.INTERNAL, "internal error, reference " + ref));
        }
        return openAiError(500, "internal error, reference " + ref, null, "internal_error");
    }

    static Response openAiError(int status, String message, String param, String code) {
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

    static boolean isAdmin(UriInfo uri) {
        String path = uri == null ? null : uri.getRequestUri().getPath();
        return path != null && (path.startsWith(ADMIN_PREFIX) || path.equals("/admin"));
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
