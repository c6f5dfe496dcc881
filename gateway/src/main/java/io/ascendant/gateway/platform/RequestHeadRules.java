package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.error.GatewayException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules of RFC 9112 that a decoded HTTP/1.x request head must meet before any of it is served, so that the
 * gateway and any proxy in front of it cannot disagree about where a request ends (request smuggling):
 *
 * <ul>
 *   <li>the version is {@code HTTP/1.0} or {@code HTTP/1.1}; any other over HTTP/1 framing ({@code HTTP/2.0},
 *       {@code HTTP/1.2}) is 505 (RFC 9110 §15.6.6);
 *   <li>an HTTP/1.1 request has exactly one {@code Host}, an HTTP/1.0 request at most one: 400 otherwise (RFC 9112
 *       §3.2);
 *   <li>a {@code Transfer-Encoding} is exactly {@code chunked}: a coding the gateway does not implement
 *       ({@code xchunked}, {@code gzip, chunked}, {@code identity}) is 501 (RFC 9112 §6.1), {@code chunked} that is
 *       not the final coding, or applied twice, is 400 (§6.3, §7).
 * </ul>
 *
 * Netty's decoder reads such heads without complaint: it took {@code Transfer-Encoding: xchunked} as a request
 * without a body and served the body as the next request. A head that breaks a rule is answered by
 * {@link UnreadableRequests} and the connection is closed without reading anything after the head
 * ({@link Http1ExchangeGuard}).
 */
final class RequestHeadRules {

    private RequestHeadRules() {}

    /** How {@code head} is refused, or null when it meets the rules. */
    static Refusal refusal(HttpRequest head) {
        HttpVersion version = head.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            505,
                            "HTTP version " + version.text() + " is not supported over HTTP/1 framing; send"
                                    + " HTTP/1.1 (or HTTP/2 over TLS with ALPN or over cleartext with prior"
                                    + " knowledge).",
                            "http_version_not_supported"),
                    ProblemType.HTTP_VERSION_NOT_SUPPORTED);
        }
        HttpHeaders headers = head.headers();
        int hosts = headers.getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && version.minorVersion() == 1)) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            400,
                            (hosts > 1
                                            ? "The request has " + hosts + " Host headers"
                                            : "The request has no Host header")
                                    + "; an HTTP/1.1 request must have exactly one.",
                            "invalid_host_header"),
                    ProblemType.INVALID_INPUT);
        }
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        return te.isEmpty() ? null : transferCodingRefusal(te);
    }

    private static Refusal transferCodingRefusal(List<String> fieldValues) {
        List<String> codings = new ArrayList<>();
        for (String value : fieldValues) {
            for (String element : value.split(",", -1)) {
                String coding = element.trim().toLowerCase(Locale.ROOT);
                if (!coding.isEmpty()) { // empty list elements are allowed and mean nothing (RFC 9110 §5.6.1)
                    codings.add(coding);
                }
            }
        }
        if (codings.size() == 1 && codings.getFirst().equals("chunked")) {
            return null;
        }
        String sent = String.join(", ", codings);
        int chunked = (int) codings.stream().filter("chunked"::equals).count();
        if (codings.isEmpty()
                || chunked > 1
                || (chunked == 1 && !codings.getLast().equals("chunked"))) {
            return new Refusal(
                    new GatewayException.UnreadableRequest(
                            400,
                            "The request's Transfer-Encoding '" + sent + "' does not end in chunked exactly once,"
                                    + " so its body's length cannot be determined; send Transfer-Encoding: chunked"
                                    + " or a Content-Length.",
                            "invalid_transfer_encoding"),
                    ProblemType.INVALID_INPUT);
        }
        return new Refusal(
                new GatewayException.UnreadableRequest(
                        501,
                        "The request's Transfer-Encoding '" + sent + "' is not implemented: the only transfer"
                                + " coding accepted is chunked, alone; send Transfer-Encoding: chunked or a"
                                + " Content-Length.",
                        "unsupported_transfer_encoding"),
                ProblemType.NOT_IMPLEMENTED);
    }
}
