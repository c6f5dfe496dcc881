package io.ascendant.gateway.error;

/**
 * A failure the gateway answers with a precise, client-facing error. Each subtype fixes the HTTP status; the
 * renderers ({@link ErrorRenderer}) turn it into the OpenAI or the Anthropic error shape. Messages name what was wrong
 * and the limit; they never carry keys, prompt text or class names.
 */
public abstract sealed class GatewayException extends RuntimeException
        permits GatewayException.InvalidRequest,
                GatewayException.UnreadableRequest,
                GatewayException.ModelNotFound,
                GatewayException.PayloadTooLarge,
                GatewayException.MethodNotAllowed,
                GatewayException.UnsupportedMediaType,
                GatewayException.Unauthenticated,
                GatewayException.PermissionDenied,
                GatewayException.RateLimited,
                GatewayException.NoCapacity,
                GatewayException.Unavailable,
                GatewayException.UpstreamFailure {

    private final String param;
    private final String code;

    GatewayException(String message, String param, String code) {
        super(message, null, false, false);
        this.param = param;
        this.code = code;
    }

    /** HTTP status of the answer. */
    public abstract int status();

    /** The request parameter at fault, or null. */
    public String param() {
        return param;
    }

    /** Machine-readable code (OpenAI's {@code error.code}), or null. */
    public String code() {
        return code;
    }

    /** 400: the request is malformed, names an unsupported parameter or exceeds a limit. */
    public static final class InvalidRequest extends GatewayException {
        public InvalidRequest(String message, String param, String code) {
            super(message, param, code);
        }

        @Override
        public int status() {
            return 400;
        }
    }

    /**
     * 400, 414 or 431: the HTTP request itself could not be read (a malformed request line or header, a URL or headers
     * over the server's limits), so no endpoint was ever chosen.
     */
    public static final class UnreadableRequest extends GatewayException {
        private final int status;

        /**
         * @param status 400, 414, 431, 501 or 505
         * @param message what was wrong and, for a limit, its value
         * @param code machine-readable code
         */
        public UnreadableRequest(int status, String message, String code) {
            super(message, null, code);
            this.status = status;
        }

        @Override
        public int status() {
            return status;
        }
    }

    /** 404: the model does not exist or the key may not use it (the two are not told apart). */
    public static final class ModelNotFound extends GatewayException {
        public ModelNotFound(String model) {
            super(
                    "The model `" + model + "` does not exist or you do not have access to it.",
                    "model",
                    "model_not_found");
        }

        @Override
        public int status() {
            return 404;
        }
    }

    /** 413: the body is larger than {@code gateway.limits.max-body-bytes}. */
    public static final class PayloadTooLarge extends GatewayException {
        public PayloadTooLarge(long limitBytes) {
            super("Request body exceeds the limit of " + limitBytes + " bytes.", null, "request_too_large");
        }

        @Override
        public int status() {
            return 413;
        }
    }

    /** 405: the endpoint exists but not for this HTTP method; carries the methods it allows ({@code Allow}). */
    public static final class MethodNotAllowed extends GatewayException {
        private final String allow;

        /**
         * @param method the method the client used
         * @param path the endpoint
         * @param allow the endpoint's methods, comma separated, for the {@code Allow} header
         */
        public MethodNotAllowed(String method, String path, String allow) {
            super(
                    "Method " + method + " is not allowed on " + path + "; use " + allow + ".",
                    null,
                    "method_not_allowed");
            this.allow = allow;
        }

        /** The value of the {@code Allow} header. */
        public String allow() {
            return allow;
        }

        @Override
        public int status() {
            return 405;
        }
    }

    /** 415: the body is not declared as JSON, or is sent in a content coding the gateway does not decode. */
    public static final class UnsupportedMediaType extends GatewayException {
        public UnsupportedMediaType(String contentType) {
            super(
                    "Content-Type must be application/json, got "
                            + (contentType == null ? "none" : "`" + contentType + "`") + ".",
                    null,
                    "unsupported_media_type");
        }

        private UnsupportedMediaType(String message, String code) {
            super(message, null, code);
        }

        /**
         * A request body in a content coding ({@code Content-Encoding: gzip}, ...): the gateway reads bodies only
         * uncompressed (RFC 9110 §15.5.16: 415 for an unsupported content coding).
         *
         * @param contentEncoding the header's value as sent
         */
        public static UnsupportedMediaType contentEncoding(String contentEncoding) {
            return new UnsupportedMediaType(
                    "Content-Encoding `" + contentEncoding + "` is not supported: send the request body uncompressed"
                            + " (no Content-Encoding, or identity).",
                    "unsupported_content_encoding");
        }

        /**
         * A JSON body declared in a charset other than UTF-8: JSON must be UTF-8 (RFC 8259 §8.1).
         *
         * @param charset the declared charset as sent (a header value, not body text)
         */
        public static UnsupportedMediaType charset(String charset) {
            return new UnsupportedMediaType(
                    "Content-Type declares charset `" + charset + "`, but only UTF-8 is accepted: JSON request bodies"
                            + " must be UTF-8 (RFC 8259). Send the body in UTF-8, with charset=utf-8 or no charset.",
                    "unsupported_charset");
        }

        @Override
        public int status() {
            return 415;
        }
    }

    /** 401: no valid API key. */
    public static final class Unauthenticated extends GatewayException {
        public Unauthenticated() {
            super("Missing or invalid API key.", null, "invalid_api_key");
        }

        @Override
        public int status() {
            return 401;
        }
    }

    /** 403: the key is valid but may not call this endpoint (e.g. it lacks the endpoint's scope). */
    public static final class PermissionDenied extends GatewayException {
        public PermissionDenied(String message, String code) {
            super(message, null, code);
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /**
     * 429: admission refused or every pod is saturated; carries {@code Retry-After} and, from admission, the
     * OpenAI-style {@code x-ratelimit-*} headers.
     */
    public static final class RateLimited extends GatewayException {
        private final int retryAfterSeconds;
        private final java.util.Map<String, String> headers;

        public RateLimited(String message, String code, int retryAfterSeconds) {
            this(message, code, retryAfterSeconds, java.util.Map.of());
        }

        /** With extra response headers (header name to value), e.g. {@code x-ratelimit-remaining-requests}. */
        public RateLimited(String message, String code, int retryAfterSeconds, java.util.Map<String, String> headers) {
            super(message, null, code);
            this.retryAfterSeconds = retryAfterSeconds;
            this.headers = java.util.Map.copyOf(headers);
        }

        /** Whole seconds for {@code Retry-After}; 0 when a retry cannot succeed (then no {@code Retry-After}). */
        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** Extra response headers; empty when none. */
        public java.util.Map<String, String> headers() {
            return headers;
        }

        @Override
        public int status() {
            return 429;
        }
    }

    /** 503: no pod of the model's pool is ready. */
    public static final class NoCapacity extends GatewayException {
        public NoCapacity(String message) {
            super(message, null, "no_ready_host");
        }

        @Override
        public int status() {
            return 503;
        }
    }

    /**
     * 503 with {@code Retry-After}: something the gateway must consult before dispatch did not answer in time (the
     * quota store: limits that cannot be checked are not spent, so the request is refused, not admitted).
     */
    public static final class Unavailable extends GatewayException {
        private final int retryAfterSeconds;

        public Unavailable(String message, String code, int retryAfterSeconds) {
            super(message, null, code);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        /** Whole seconds for {@code Retry-After}, at least 1. */
        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }

        @Override
        public int status() {
            return 503;
        }
    }

    /** 502 or 504: the host failed or did not answer in time before anything reached the client. */
    public static final class UpstreamFailure extends GatewayException {
        private final int status;

        public UpstreamFailure(int status, String message, String code) {
            super(message, null, code);
            this.status = status;
        }

        @Override
        public int status() {
            return status;
        }
    }
}
