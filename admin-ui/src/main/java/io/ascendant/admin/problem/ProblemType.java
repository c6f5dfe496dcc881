package io.ascendant.admin.problem;

import java.net.URI;

/**
 * The stable kinds of admin API problems. The {@link #uri()} values are part of the admin API contract: clients switch
 * on them, so they never change once published.
 */
public enum ProblemType {
    /** Input failed validation (Bean Validation or a service rule); {@code field} names the culprit. */
    INVALID_INPUT(400, "Invalid input", "invalid-input"),
    /** The request body is not valid JSON or does not match the expected shape. */
    MALFORMED_JSON(400, "Malformed JSON", "malformed-json"),
    /** No bearer token, or the token is not valid. */
    UNAUTHENTICATED(401, "Authentication required", "unauthenticated"),
    /** The caller is authenticated but may not do this (wrong role or another tenant's resource). */
    FORBIDDEN(403, "Forbidden", "forbidden"),
    /** The addressed resource does not exist (or is not visible to the caller). */
    NOT_FOUND(404, "Not found", "not-found"),
    /** HTTP method not supported on this resource. */
    METHOD_NOT_ALLOWED(405, "Method not allowed", "method-not-allowed"),
    /** The client stopped sending the request body for longer than the server waits; {@code detail} names the limit. */
    REQUEST_TIMEOUT(408, "Request timeout", "request-timeout"),
    /** The request conflicts with existing state (duplicate name, illegal state transition). */
    CONFLICT(409, "Conflict", "conflict"),
    /** The request body is larger than the configured limit; {@code detail} names the limit. */
    PAYLOAD_TOO_LARGE(413, "Payload too large", "payload-too-large"),
    /** The request line (method, URL, version) is longer than the configured limit. */
    URI_TOO_LONG(414, "URI too long", "uri-too-long"),
    /** Unsupported request media type. */
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", "unsupported-media-type"),
    /** The request headers are larger than the configured limit. */
    HEADERS_TOO_LARGE(431, "Request header fields too large", "headers-too-large"),
    /** The request uses a feature of HTTP the server does not implement (a transfer coding other than chunked). */
    NOT_IMPLEMENTED(501, "Not implemented", "not-implemented"),
    /** The request line names an HTTP version other than HTTP/1.0 and HTTP/1.1 over HTTP/1 framing. */
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP version not supported", "http-version-not-supported"),
    /** A dependency (Keycloak, database) is unavailable; retrying later may succeed. */
    UNAVAILABLE(503, "Service unavailable", "unavailable"),
    /** An unexpected server error; details are in the server log under the given reference, never in the body. */
    INTERNAL(500, "Internal error", "internal");

    private final int status;
    private final String title;
    private final URI uri;

    ProblemType(int status, String title, String slug) {
        this.status = status;
        this.title = title;
        this.uri = URI.create("urn:ascendant:problem:" + slug);
    }

    /** HTTP status of this problem type. */
    public int status() {
        return status;
    }

    /** Short human summary. */
    public String title() {
        return title;
    }

    /** Stable type URI, {@code urn:ascendant:problem:<slug>}. */
    public URI uri() {
        return uri;
    }

    /** The type for an HTTP status when nothing more specific is known. */
    public static ProblemType forStatus(int status) {
        for (ProblemType t : values()) {
            if (t.status == status && t != MALFORMED_JSON) {
                return t;
            }
        }
        return status >= 500 ? INTERNAL : INVALID_INPUT;
    }
}
