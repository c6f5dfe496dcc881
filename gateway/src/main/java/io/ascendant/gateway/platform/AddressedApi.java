package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.Problem;
import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.api.Json;
import io.ascendant.gateway.error.ErrorRenderer;
import io.ascendant.gateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Which API a request addresses, read from the leading segments of its path as sent (no decoding, no normalisation),
 * and so which error shape answers it when the gateway refuses the request before any route is chosen: OpenAI's
 * error JSON under {@code /v1/}, Anthropic's under {@code /v1/messages} and {@code /anthropic/},
 * {@code application/problem+json} under {@code /admin} and on the other platform paths (health, metrics, OpenAPI,
 * unknown paths). A path that could not be read at all (the request line did not parse) gets OpenAI's shape, the
 * shape of the API most clients speak. An absolute-form target ({@code http://host:port/v1/models}) addresses the API
 * its path names.
 */
public enum AddressedApi {
    /** {@code /v1/...} except the Anthropic endpoint, or an unreadable path. */
    OPENAI,
    /** {@code /v1/messages...} and {@code /anthropic/...}. */
    ANTHROPIC,
    /** {@code /admin} and {@code /admin/...}. */
    ADMIN,
    /** Any other path. */
    PLATFORM;

    /**
     * The API {@code target} (a request target as sent, possibly with a query) addresses; {@link #OPENAI} when
     * {@code target} is null.
     */
    public static AddressedApi of(String target) {
        if (target == null) {
            return OPENAI;
        }
        target = originForm(target);
        int end = target.length();
        for (int i = 0; i < end; i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        // Path parameters (';...') do not change which API a segment names.
        String path = target.substring(0, end).replaceAll(";[^/]*", "");
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/") || path.startsWith("/anthropic/")) {
            return ANTHROPIC;
        }
        if (path.equals("/v1") || path.startsWith("/v1/")) {
            return OPENAI;
        }
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            return ADMIN;
        }
        return PLATFORM;
    }

    /**
     * {@code target} in origin form: an absolute-form target ({@code http://127.0.0.1:8080/v1/models?x=1}, which
     * RFC 9112 §3.2.2 requires a server to accept) without its scheme and authority ({@code /v1/models?x=1}, or
     * {@code /} when it names no path), as Vert.x reads its path for routing; any other target unchanged.
     */
    static String originForm(String target) {
        if (target.isEmpty() || target.charAt(0) == '/') {
            return target;
        }
        int scheme = target.indexOf("://");
        if (scheme <= 0) {
            return target;
        }
        for (int i = 0; i < scheme; i++) {
            char c = target.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return target; // not a scheme: the "://" sits inside a path or query
            }
        }
        int authorityEnd = scheme + 3;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String rest = target.substring(authorityEnd);
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    /**
     * Ends {@code response} with {@code error} in this API's shape: the tenant APIs render {@code error} itself, the
     * admin and platform paths a problem document of {@code type} whose {@code detail} is the error's message and
     * whose {@code status} is the error's. Does nothing to a response whose head is already written.
     */
    public void send(HttpServerResponse response, GatewayException error, ProblemType type) {
        if (response.headWritten()) {
            if (!response.ended()) {
                response.end();
            }
            return;
        }
        switch (this) {
            case OPENAI -> ErrorRenderer.send(response, error, false);
            case ANTHROPIC -> ErrorRenderer.send(response, error, true);
            case ADMIN, PLATFORM -> {
                Problem p = new Problem(type.uri(), type.title(), error.status(), error.getMessage(), null, null);
                response.setStatusCode(error.status())
                        .putHeader("content-type", Problem.MEDIA_TYPE)
                        .end(Buffer.buffer(Json.MAPPER.valueToTree(p).toString()));
            }
        }
    }
}
