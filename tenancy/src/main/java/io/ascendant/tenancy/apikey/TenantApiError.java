package io.ascendant.tenancy.apikey;

/**
 * Authentication and authorisation errors of the tenant API, with stable codes. Rendered OpenAI-style,
 * {@code {"error":{"message","type","param","code"}}}, or on the Anthropic Messages API Anthropic-style,
 * {@code {"type":"error","error":{"type","message"}}} ({@link #anthropicJson()}). Unknown, revoked and expired keys
 * share one code on purpose.
 */
public enum TenantApiError {
    /** No {@code Authorization: Bearer} or {@code x-api-key} header. */
    MISSING_API_KEY(
            401,
            "authentication_error",
            "missing_api_key",
            "No API key provided. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."),
    /**
     * {@code Authorization: Bearer} with nothing after it (and no {@code x-api-key}): the same code as no key at all,
     * with a message that says the token was empty, as when a client reads its key from an unset environment variable.
     */
    EMPTY_BEARER_TOKEN(
            401,
            "authentication_error",
            "missing_api_key",
            "The Authorization header says Bearer but the token after it is empty (often an unset environment"
                    + " variable, such as OPENAI_API_KEY). Send the API key as 'Authorization: Bearer <key>' or"
                    + " 'x-api-key: <key>'."),
    /** Not a well-formed key (prefix, length, characters or checksum wrong): a typo or a truncated copy. */
    MALFORMED_API_KEY(
            401,
            "authentication_error",
            "malformed_api_key",
            "The API key is malformed (wrong prefix, length or checksum). Check that it was copied completely."),
    /**
     * An {@code Authorization} header of a scheme other than Bearer ({@code Basic <base64>}, or a bare key without a
     * scheme): the key may be right, but it is not where tenant endpoints read it. The scheme is not echoed (the
     * header may be a whole credential without one).
     */
    UNSUPPORTED_AUTH_SCHEME(
            401,
            "authentication_error",
            "unsupported_auth_scheme",
            "The Authorization header must use the Bearer scheme: send the API key as 'Authorization: Bearer <key>'"
                    + " (or as 'x-api-key: <key>', as Anthropic clients do). Other schemes, such as Basic, are not"
                    + " accepted."),
    /**
     * A JSON Web Token (an admin console sign-in token from Keycloak) sent where an API key belongs: tenant endpoints
     * take API keys only, and admin tokens authenticate only {@code /admin/}.
     */
    ADMIN_TOKEN_NOT_API_KEY(
            401,
            "authentication_error",
            "admin_token_not_api_key",
            "The credential is a JSON Web Token (an admin console sign-in token), not an API key: tenant endpoints"
                    + " (/v1/...) take API keys only. Create an API key for a project in the admin console and send it"
                    + " as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."),
    /**
     * Two different credentials in one request ({@code Authorization} and {@code x-api-key}, or either header
     * repeated): refused rather than choosing one, which would bill a key the caller may not have meant.
     */
    AMBIGUOUS_API_KEY(
            401,
            "authentication_error",
            "ambiguous_api_key",
            "The request carries more than one credential ('Authorization' and 'x-api-key' headers, or one of them"
                    + " repeated) with different values. Send the API key once, as 'Authorization: Bearer <key>' or"
                    + " 'x-api-key: <key>'."),
    /** Unknown, revoked or expired key (deliberately indistinguishable). */
    INVALID_API_KEY(
            401,
            "authentication_error",
            "invalid_api_key",
            "Incorrect API key provided, or the key has been revoked or has expired."),
    /** The key's tenant is suspended. */
    TENANT_SUSPENDED(
            403,
            "permission_error",
            "tenant_suspended",
            "The organization of this API key is suspended. Contact your administrator."),
    /**
     * The key's tenant is closed: every endpoint but the billing read API, which its keys with {@code billing:read}
     * still reach (the message says so, as that is what a closed account still needs).
     */
    TENANT_CLOSED(
            403,
            "permission_error",
            "tenant_closed",
            "The organization of this API key is closed. Its usage and invoices stay readable: GET /v1/usage and"
                    + " /v1/invoices with a key that has the billing:read scope, or in the admin console."),
    /**
     * The key lacks the {@link ApiKeyScope scope} of the endpoint called; thrown with the message of
     * {@link ApiKeyScope#missingFrom}, which names the scope and the endpoint.
     */
    INSUFFICIENT_SCOPE(
            403, "permission_error", "insufficient_scope", "This API key lacks the scope required by this endpoint."),
    /**
     * The key is not cached and the database did not answer its lookup within {@code tenancy.api-keys.lookup-timeout}
     * (or failed); the request is not authenticated (fail closed) and is answered with {@code Retry-After}.
     */
    AUTH_UNAVAILABLE(
            503,
            "service_unavailable",
            "authentication_unavailable",
            "The API key cannot be verified right now because the key store is not answering, so the request was not"
                    + " authenticated. Retry after the number of seconds in the Retry-After header.");

    /** Attribute name under which the mechanism stores the error in the routing context / failure. */
    public static final String ATTRIBUTE = TenantApiError.class.getName();

    private final int status;
    private final String type;
    private final String code;
    private final String message;

    TenantApiError(int status, String type, String code, String message) {
        this.status = status;
        this.type = type;
        this.code = code;
        this.message = message;
    }

    /** HTTP status. */
    public int status() {
        return status;
    }

    /** OpenAI error {@code type}. */
    public String type() {
        return type;
    }

    /** Stable error {@code code}. */
    public String code() {
        return code;
    }

    /** Human message (never contains the key). */
    public String message() {
        return message;
    }

    /**
     * Anthropic's error type for this error (per Anthropic's API errors page): {@code authentication_error} (401),
     * {@code permission_error} (403), {@code overloaded_error} (503, as the gateway's other 503s), {@code api_error}
     * otherwise.
     */
    public String anthropicType() {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 503 -> "overloaded_error";
            default -> "api_error";
        };
    }

    /** The Anthropic-shaped body as JSON: {@code {"type":"error","error":{"type":..,"message":..}}}. */
    public String anthropicJson() {
        return anthropicJson(message);
    }

    /** The Anthropic-shaped body with a message of its own (e.g. naming the missing scope). */
    public String anthropicJson(String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":" + TenantApiErrorBody.quote(anthropicType()) + ",\"message\":"
                + TenantApiErrorBody.quote(message) + "}}";
    }

    /** The OpenAI-shaped body. */
    public TenantApiErrorBody body(String param) {
        return body(param, message);
    }

    /** The OpenAI-shaped body with a message of its own (e.g. naming the missing scope). */
    public TenantApiErrorBody body(String param, String message) {
        return new TenantApiErrorBody(new TenantApiErrorBody.Error(message, type, param, code));
    }
}
