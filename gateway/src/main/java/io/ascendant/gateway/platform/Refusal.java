package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.error.GatewayException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * How a request that cannot be read is refused ({@link UnreadableRequests}, {@link RequestHeadRules},
 * {@link Http1ExchangeGuard}): the status, message and code for the tenant APIs, and the problem type for admin and
 * platform paths ({@link AddressedApi} picks the shape).
 *
 * @param error the status, message and code (tenant API shapes)
 * @param problemType the problem type on admin and platform paths
 */
record Refusal(GatewayException error, ProblemType problemType) {

    /** The answer to a connection failure while a body is read; null for failures that get none (a reset). */
    static Refusal forBody(Throwable failure) {
        if (failure instanceof RequestReadClock.BodyReadTimeout timeout && timeout.whole()) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            408,
                            "The request body did not arrive in time: it was not complete within "
                                    + timeout.timeout().toMillis()
                                    + " ms of the request head, the limit; send the whole body at once.",
                            "request_timeout"),
                    ProblemType.REQUEST_TIMEOUT);
        }
        if (failure instanceof RequestReadClock.BodyReadTimeout timeout) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            408,
                            "The request body stopped arriving: no byte of it came for "
                                    + timeout.timeout().toMillis()
                                    + " ms, the limit; send the whole body without pausing.",
                            "request_timeout"),
                    ProblemType.REQUEST_TIMEOUT);
        }
        if (failure instanceof DecoderException || failure instanceof IllegalArgumentException) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            400,
                            "The request body is malformed: its chunked transfer coding could not be read (each"
                                    + " chunk must start with its size in hexadecimal digits on a line of its"
                                    + " own, and a chunk of size 0 ends the body).",
                            "invalid_chunked_body"),
                    ProblemType.INVALID_INPUT);
        }
        return null;
    }

    /** The answer to a request the decoder failed on with {@code cause}; {@code lineRead}: the request line parsed. */
    static Refusal forDecoderFailure(Throwable cause, boolean lineRead, Limits limits) {
        if (cause instanceof TooLongHttpLineException) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            414,
                            "The request line (method, URL and HTTP version) is longer than the limit of "
                                    + limits.maxInitialLineLength()
                                    + " bytes; shorten the URL (send long parameters in the request body).",
                            "url_too_long"),
                    ProblemType.URI_TOO_LONG);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            431,
                            "The request headers are larger than the limit of " + limits.maxHeaderSize()
                                    + " bytes; send fewer or shorter headers.",
                            "headers_too_large"),
                    ProblemType.HEADERS_TOO_LARGE);
        }
        if (!lineRead) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            400,
                            "The request line is malformed: it must be the method, one space, the URL, one space"
                                    + " and the HTTP version, with every space and other character that is not"
                                    + " allowed in a URL percent-encoded (a space as %20).",
                            "invalid_request_line"),
                    ProblemType.INVALID_INPUT);
        }
        if (cause instanceof ContentLengthNotAllowedException) {
            // Netty refuses this head itself (RFC 9112 section 6.3: a sender must not send both, and the two could
            // frame the body differently for a proxy in front of the gateway); the generic answer below blamed the
            // header syntax, which was fine.
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            400,
                            "The request carries both Content-Length and Transfer-Encoding, and a request may not"
                                    + " carry both (RFC 9112 section 6.3); send its body either chunked or with a"
                                    + " Content-Length.",
                            "invalid_headers"),
                    ProblemType.INVALID_INPUT);
        }
        return new Refusal(
                new GatewayException.UnreadableRequest(
                        400,
                        "The request headers are malformed: each must be 'Name: value' on a line of its own, with"
                                + " at most one Content-Length, which must agree with Transfer-Encoding.",
                        "invalid_headers"),
                ProblemType.INVALID_INPUT);
    }

    /**
     * The decoder's limits as configured.
     *
     * @param maxInitialLineLength bytes of the request line ({@code quarkus.http.limits.max-initial-line-length})
     * @param maxHeaderSize bytes of all headers ({@code quarkus.http.limits.max-header-size})
     */
    record Limits(long maxInitialLineLength, long maxHeaderSize) {
        /** Quarkus' defaults: 4096 bytes and 20 KiB. */
        static Limits current() {
            var config = ConfigProvider.getConfig();
            MemorySizeConverter sizes = new MemorySizeConverter();
            long line = config.getOptionalValue("quarkus.http.limits.max-initial-line-length", Long.class)
                    .orElse(4096L);
            long headers = config.getOptionalValue("quarkus.http.limits.max-header-size", String.class)
                    .map(v -> sizes.convert(v).asLongValue())
                    .orElse(20L * 1024);
            return new Limits(line, headers);
        }
    }
}
