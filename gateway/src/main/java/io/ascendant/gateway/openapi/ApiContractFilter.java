package io.ascendant.gateway.openapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Makes the served OpenAPI document ({@code /q/openapi}) say what the server does about errors and authentication,
 * which annotations alone cannot: every operation of the tenant API ({@code /v1/}) and the admin API
 * ({@code /admin/api/}) lists the error statuses it can answer, each with its body in the API's own shape (OpenAI's
 * {@code OpenAIError}, Anthropic's {@code AnthropicError} under {@code /v1/messages} (and its {@code count_tokens}),
 * {@code Problem} as
 * {@code application/problem+json} under {@code /admin/}), and the tenant API is secured by API keys, not by the
 * admin API's Keycloak tokens. The schemas are declared in {@code META-INF/openapi.yaml}.
 *
 * <p>Which statuses an operation can answer follows from how the server decides them:
 *
 * <ul>
 *   <li>401 and 403 everywhere authentication applies (no or a bad key / token; a suspended tenant, a role that may
 *       not);
 *   <li>400 where the request carries a body, query parameters or a UUID or numeric path parameter (validation, malformed JSON,
 *       a parameter that does not convert), 415 where it carries a JSON body;
 *   <li>404 where the path names a resource ({@code {id}}, {@code {tenantId}}, ...), except on a PUT that creates it;
 *   <li>409 on admin writes (a duplicate name, a state that forbids the change), not on the price preview;
 *   <li>503 on every tenant operation (the API-key store did not answer) and where a resource declares it (the admin
 *       operations that call Keycloak);
 *   <li>on the data path (chat, completions, messages) also 404 for an unknown model, 413 for a body over the limit,
 *       429 with {@code Retry-After} (limits, saturated pods; none for a request no retry can admit), 502 and 504
 *       (host failures before the first byte) and 503 (no ready host, quota store unavailable);
 *   <li>on {@code /v1/messages/count_tokens}, which validates like the data path but reaches no host and takes no
 *       admission, 400, 404 for an unknown model, 413 and 415.
 * </ul>
 *
 * <p>A 405 (with {@code Allow}) is possible on every path and is described once, in the document's description.
 * Runs once, when the document is built.
 */
public class ApiContractFilter implements OASFilter {

    static final String TENANT_PREFIX = "/v1/";
    static final String ADMIN_API_PREFIX = "/admin/api/";
    static final String API_KEY_SCHEME = "ApiKey";
    static final String ANTHROPIC_API_KEY_SCHEME = "AnthropicApiKey";
    static final String KEYCLOAK_SCHEME = "SecurityScheme";

    private static final List<String> DATA_PATH = List.of("/v1/chat/completions", "/v1/completions", "/v1/messages");
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        api.getComponents()
                .addSecurityScheme(
                        API_KEY_SCHEME,
                        OASFactory.createSecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .description("A tenant API key (asc_...) as 'Authorization: Bearer <key>'"))
                .addSecurityScheme(
                        ANTHROPIC_API_KEY_SCHEME,
                        OASFactory.createSecurityScheme()
                                .type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER)
                                .name("x-api-key")
                                .description("A tenant API key, as Anthropic's SDKs send it"));
        SecurityScheme keycloak = api.getComponents().getSecuritySchemes() == null
                ? null
                : api.getComponents().getSecuritySchemes().get(KEYCLOAK_SCHEME);
        if (keycloak != null) {
            keycloak.description("A Keycloak access token of realm ascendant (admin API)");
        }
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith(TENANT_PREFIX)) {
                item.getOperations().forEach((method, op) -> tenantOperation(path, parameters(item, op), op));
            } else if (path.startsWith(ADMIN_API_PREFIX)) {
                item.getOperations().forEach((method, op) -> adminOperation(path, method, parameters(item, op), op));
            }
        });
    }

    private static void tenantOperation(String path, List<Parameter> parameters, Operation op) {
        boolean anthropic = path.equals("/v1/messages") || path.equals(COUNT_TOKENS);
        boolean validated = DATA_PATH.contains(path) || path.equals(COUNT_TOKENS);
        op.setSecurity(new ArrayList<>(List.of(OASFactory.createSecurityRequirement()
                .addScheme(anthropic ? ANTHROPIC_API_KEY_SCHEME : API_KEY_SCHEME))));
        if (anthropic) {
            op.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(API_KEY_SCHEME));
        }
        Map<String, String> errors = new LinkedHashMap<>();
        if (validated) {
            errors.put(
                    "400",
                    "Invalid request: malformed JSON (saying where), a missing, unknown or unsupported parameter,"
                            + " max_tokens above the model's limit (naming it)");
        } else if (hasBody(op) || has(parameters, Parameter.In.QUERY) || path.startsWith("/v1/invoices/")) {
            // An invoice id in the path that is not a UUID is a 400 naming id, not a 404.
            errors.put("400", "Invalid request: a parameter is missing or invalid (named in param)");
        }
        errors.put("401", "No API key, two different ones, or a malformed, unknown, revoked or expired one");
        boolean billing = path.startsWith("/v1/usage") || path.startsWith("/v1/invoices");
        String scope = billing ? "billing:read" : "inference";
        errors.put(
                "403",
                // A closed tenant's keys with billing:read keep the billing API (its final invoices).
                (billing
                                ? "The key's tenant is suspended (tenant_suspended), or closed and the key lacks"
                                        + " billing:read (tenant_closed)"
                                : "The key's tenant is suspended or closed")
                        + ", or the key lacks the scope " + scope + " (insufficient_scope)"
                        + (DATA_PATH.contains(path)
                                ? ", or the model has no price in force in the tenant's currency (model_not_priced)"
                                : ""));
        if (validated) {
            errors.put("404", "The model does not exist or the key may not use it (model_not_found)");
            errors.put("413", "The body is larger than gateway.limits.max-body-bytes");
            errors.put("415", "The body is not declared as application/json");
        }
        if (DATA_PATH.contains(path)) {
            errors.put(
                    "429",
                    "A rate limit or budget refused the request, or every pod is saturated (Retry-After); without"
                            + " Retry-After when no retry can succeed as sent (a request larger than a whole"
                            + " tokens-per-minute limit, or a frozen level with concurrentRequests 0)");
            errors.put("502", "The model host failed before the answer began");
            errors.put(
                    "503",
                    "No host of the model's pool is ready, or the quota store or the API-key store did not answer"
                            + " (Retry-After)");
            errors.put("504", "The model host did not answer in time");
        } else if (has(parameters, Parameter.In.PATH)) {
            errors.put(
                    "404",
                    path.startsWith("/v1/models/")
                            ? "The model does not exist or the key may not use it"
                            : "Not found (also another tenant's)");
        }
        errors.putIfAbsent("503", "The API-key store did not answer in time (Retry-After)");
        String mediaType = "application/json";
        String schema = anthropic ? "AnthropicError" : "OpenAIError";
        errors.forEach((code, description) -> document(op, code, description, mediaType, schema));
    }

    private static void adminOperation(
            String path, PathItem.HttpMethod method, List<Parameter> parameters, Operation op) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (hasBody(op) || has(parameters, Parameter.In.QUERY) || hasConvertedPathParameter(parameters)) {
            errors.put("400", "Invalid input (field names the culprit) or malformed JSON");
        }
        errors.put("401", "No bearer token, or an invalid or expired one");
        errors.put("403", "The caller's roles do not allow this (or it is another tenant's)");
        boolean upsert = method == PathItem.HttpMethod.PUT
                && op.getResponses() != null
                && op.getResponses().getAPIResponse("201") != null;
        if (has(parameters, Parameter.In.PATH) && !upsert) {
            errors.put("404", "Not found");
        }
        if (method != PathItem.HttpMethod.GET && !readOnly(path)) {
            errors.put("409", "Conflicts with the current state (a duplicate name, a state that forbids the change)");
        }
        if (hasBody(op)) {
            errors.put("413", "The body is larger than quarkus.http.limits.max-body-size");
            errors.put("415", "The body is not application/json");
        }
        // Statuses a resource declares itself (such as 503 where Keycloak is called) get the problem body too.
        if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
            op.getResponses().getAPIResponses().forEach((code, response) -> {
                if (code.compareTo("400") >= 0 && !errors.containsKey(code)) {
                    errors.put(code, response.getDescription());
                }
            });
        }
        errors.forEach((code, description) -> document(op, code, description, "application/problem+json", "Problem"));
    }

    /** Adds (or completes) the response {@code code} with a body of {@code schema} in {@code mediaType}. */
    private static void document(Operation op, String code, String description, String mediaType, String schema) {
        APIResponses responses = op.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            op.setResponses(responses);
        }
        APIResponse response = responses.getAPIResponse(code);
        if (response == null) {
            response = OASFactory.createAPIResponse().description(description);
            responses.addAPIResponse(code, response);
        } else if (response.getDescription() == null
                || response.getDescription().isBlank()
                || response.getDescription().startsWith("Not ")
                || response.getDescription().equals("Bad Request")) {
            response.setDescription(description); // SmallRye's generic "Not Authorized", "Not Allowed", "Bad Request"
        }
        response.setContent(OASFactory.createContent()
                .addMediaType(
                        mediaType,
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref("#/components/schemas/" + schema))));
    }

    /** A POST that computes without changing anything (the price preview): it never conflicts. */
    private static boolean readOnly(String path) {
        return path.endsWith("/preview");
    }

    private static boolean hasBody(Operation op) {
        return op.getRequestBody() != null;
    }

    /** The operation's parameters and those its path declares for all its operations. */
    private static List<Parameter> parameters(PathItem item, Operation op) {
        List<Parameter> all = new ArrayList<>();
        if (item.getParameters() != null) {
            all.addAll(item.getParameters());
        }
        if (op.getParameters() != null) {
            all.addAll(op.getParameters());
        }
        return all;
    }

    private static boolean has(List<Parameter> parameters, Parameter.In in) {
        return parameters.stream().anyMatch(p -> p.getIn() == in);
    }

    private static boolean hasConvertedPathParameter(List<Parameter> parameters) {
        return parameters.stream()
                .filter(p -> p.getIn() == Parameter.In.PATH)
                .map(Parameter::getSchema)
                .anyMatch(ApiContractFilter::isConverted);
    }

    /** A UUID or a number: a value that does not convert is a 400 naming the parameter, not a 404. */
    private static boolean isConverted(Schema s) {
        return s != null && (s.getFormat() != null || s.getRef() != null);
    }
}
