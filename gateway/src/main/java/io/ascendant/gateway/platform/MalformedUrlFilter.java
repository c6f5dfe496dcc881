package io.ascendant.gateway.platform;

import io.ascendant.admin.problem.ProblemType;
import io.ascendant.gateway.error.GatewayException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Refuses a request whose URL is not a valid URI (a malformed percent-escape such as {@code ?x=%zz} or
 * {@code /v1/models/%E0%A4%A}, a space or other character that must be percent-encoded) with a 400 that says what is
 * wrong, in the shape of the API addressed: OpenAI's error JSON with code {@code invalid_url} under {@code /v1/},
 * Anthropic's under {@code /v1/messages} and {@code /anthropic/}, {@code application/problem+json} under
 * {@code /admin} and on the other paths ({@link AddressedApi}). The API addressed is read from the path as sent, before
 * any normalisation.
 *
 * <p>A path with a dot segment ({@code .} or {@code ..}, literal or percent-encoded as {@code %2e}, such as
 * {@code /v1/models/%2e%2e/%2e%2e/q/health} or {@code /admin/api/v1/../../v1/models}) is refused the same way. Vert.x
 * removes dot segments before routing ({@code normalizedPath()}), and routes, permissions and the two authentication
 * mechanisms then disagree on which API a request addresses: the written prefix says tenant API, the normalised path
 * says health, metrics or admin. No client of an HTTP API needs dot segments (HTTP clients resolve them before
 * sending), so the gateway refuses them rather than deciding which reading wins: no request can start in one API and
 * land in another. A path parameter ({@code ;}, as in {@code /admin;x=1/api/v1/tenants} or {@code /v1;x/models}) is
 * refused for the same reason: JAX-RS strips it before matching, while the Vert.x routes, the permission paths and
 * the tenant-path check see it, so a request could reach the admin API past the filters that answer its errors.
 * Empty segments ({@code /v1//models}) carry no such ambiguity and are served as Vert.x merges them.
 *
 * <p>A request target that is not a path is refused the same way, as a problem document: the authority form
 * ({@code CONNECT host:443}: the gateway is no proxy), the asterisk form with a method other than {@code OPTIONS} and
 * a path without its leading slash ({@code GET v1/models}), which Vert.x would otherwise answer with an empty 404
 * ({@link #notAPath}). {@code OPTIONS *} asks about the server as a whole (RFC 9110 §9.3.7) and is answered 200 with
 * {@code Allow: }{@value #SERVER_ALLOW} and no body.
 *
 * <p>Quarkus checks every URL with {@code new URI(uri)} before any route or filter runs and answers a failure with an
 * empty 400 that no application code can reach. {@link GatewayMain} (and the test configuration) therefore set the
 * JVM system property {@value #QUARKUS_URI_VALIDATION_OFF}, which switches that check off, and this filter applies the
 * same check as the first thing after the request id is set, so no route, no authentication and no resource ever
 * sees a URL Quarkus would have refused. Where the property is not set (say, {@code quarkus:dev}), Quarkus' empty 400
 * still protects the application; this filter then never sees a malformed URL.
 *
 * <p>Cost: a request target made only of characters that are valid anywhere in a path or query (letters, digits and
 * {@code -._~/?=&:@!$'()*+,;}, no {@code %}) is accepted by one scan without parsing; others are parsed as Quarkus
 * did.
 */
@ApplicationScoped
public class MalformedUrlFilter {

    /** The JVM system property that turns Quarkus' own (silent) URI check off; this filter replaces it. */
    public static final String QUARKUS_URI_VALIDATION_OFF = "vertx.disableURIValidation";

    /**
     * The methods some resource of the gateway serves (the admin API's PUT, PATCH and DELETE included), for the
     * {@code Allow} of {@code OPTIONS *}.
     */
    static final String SERVER_ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    /** After {@link RequestIdFilter} (1,000,000), before the body-limit filter, the admin filters and security. */
    private static final int PRIORITY = 990_000;

    void register(@Observes Filters filters) {
        filters.register(MalformedUrlFilter::check, PRIORITY);
    }

    /**
     * Vert.x fails a request whose path does not start with {@code /} with 404 before any handler or filter runs
     * ({@code RoutingContextImpl}), so only a failure handler sees it; without this one the answer is an empty 404.
     * No filter ran, {@link RequestIdFilter} included: the answer gets its request ids here.
     */
    void registerNotAPath(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(MalformedUrlFilter::notAPath);
    }

    static void notAPath(RoutingContext rc) {
        String path = rc.request().path();
        if (rc.statusCode() != 404 || rc.response().headWritten() || (path != null && path.startsWith("/"))) {
            rc.next();
            return;
        }
        String uri = rc.request().uri();
        if (uri != null && uri.startsWith("/")) {
            rc.next();
            return;
        }
        RequestIdFilter.putIdsOnAnswer(rc.request());
        if ("*".equals(uri) && rc.request().method() == HttpMethod.OPTIONS) {
            if (!rc.request().isEnded()) {
                ConnectionClose.afterAnswer(rc); // the body is not read
            }
            rc.response()
                    .putHeader(HttpHeaders.ALLOW, SERVER_ALLOW)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, "0")
                    .setStatusCode(200)
                    .end();
            return;
        }
        refuse(rc, uri, notAPathMessage(rc.request().method().name(), uri));
    }

    static void check(RoutingContext rc) {
        String uri = rc.request().uri();
        URISyntaxException bad = validate(uri);
        if (bad != null) {
            refuse(rc, uri, message(bad));
            return;
        }
        int dot = dotSegmentAt(uri);
        if (dot >= 0) {
            refuse(rc, uri, dotSegmentMessage(dot));
            return;
        }
        int semicolon = pathParameterAt(uri);
        if (semicolon >= 0) {
            refuse(rc, uri, pathParameterMessage(semicolon));
            return;
        }
        rc.next();
    }

    /**
     * The index in {@code target} of the first {@code ;} of its path (a path parameter such as
     * {@code /admin;x=1/api/v1/tenants}), or -1 when the path has none. The query is not looked at.
     */
    static int pathParameterAt(String target) {
        if (target == null) {
            return -1;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                return -1;
            }
            if (c == ';') {
                return i;
            }
        }
        return -1;
    }

    /** Why a path with a path parameter is refused. */
    static String pathParameterMessage(int at) {
        return "The request path contains a ';' at character " + (at + 1)
                + "; path parameters are not supported: send the path without them (write a literal ';' as %3B).";
    }

    /**
     * The index in {@code target} of the first dot segment of its path ({@code .} or {@code ..}, each dot written
     * literally or as {@code %2e}/{@code %2E}), or -1 when the path has none. The query is not looked at.
     */
    static int dotSegmentAt(String target) {
        if (target == null) {
            return -1;
        }
        int end = target.length();
        int start = 0;
        for (int i = 0; i < end; i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
            if (c == '/') {
                if (isDotSegment(target, start, i)) {
                    return start;
                }
                start = i + 1;
            }
        }
        return isDotSegment(target, start, end) ? start : -1;
    }

    /** Whether {@code s[from, to)} is one or two dots, each literal or percent-encoded. */
    private static boolean isDotSegment(String s, int from, int to) {
        int dots = 0;
        int i = from;
        while (i < to) {
            if (s.charAt(i) == '.') {
                i++;
            } else if (i + 3 <= to
                    && s.charAt(i) == '%'
                    && s.charAt(i + 1) == '2'
                    && (s.charAt(i + 2) == 'e' || s.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return dots == 1 || dots == 2;
    }

    /** Why a path with a dot segment is refused, pointing at the segment without quoting the path. */
    static String dotSegmentMessage(int at) {
        return "The request path contains dot segments ('..' or '.', also when percent-encoded as %2e) at character "
                + (at + 1) + "; the gateway does not resolve them: send the path without dot segments.";
    }

    /**
     * Null when {@code target} (an HTTP request target) is a valid URI, else why not; the same rule as Quarkus'
     * {@code new URI(target)}, with a fast path for targets that need no parsing.
     */
    static URISyntaxException validate(String target) {
        if (target == null) {
            return new URISyntaxException("", "No request target", 0);
        }
        if (plainOriginForm(target)) {
            return null;
        }
        try {
            new URI(target);
            return null;
        } catch (URISyntaxException e) {
            return e;
        }
    }

    /** An origin-form target ({@code /...}, not {@code //...}) whose every character is legal unescaped anywhere. */
    private static boolean plainOriginForm(String target) {
        int n = target.length();
        if (n == 0 || target.charAt(0) != '/' || n > 1 && target.charAt(1) == '/') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = target.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "-._~/?=&:@!$'()*+,;".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** What is wrong with the URL, in one sentence that quotes no more of it than one punctuation character. */
    static String message(URISyntaxException e) {
        String reason = e.getReason() == null ? "" : e.getReason();
        int at = e.getIndex();
        String input = e.getInput() == null ? "" : e.getInput();
        String position = at >= 0 ? " at character " + (at + 1) : "";
        if (reason.startsWith("Malformed escape pair")) {
            return "The request URL is malformed: the '%'" + position
                    + " must start a percent-escape of two hexadecimal digits (write a literal '%' as %25).";
        }
        if (reason.startsWith("Illegal character")) {
            char c = at >= 0 && at < input.length() ? input.charAt(at) : 0;
            String what = c > 0x20 && c < 0x7f ? "'" + c + "'" : c == ' ' ? "a space" : "a character";
            return "The request URL is malformed: " + what + position + " is not allowed in a URL; percent-encode it.";
        }
        return "The request URL is malformed" + (reason.isEmpty() ? "" : ": " + reason) + position + ".";
    }

    /** The refusal of a request target that is not a path (nor an absolute URL). */
    static String notAPathMessage(String method, String target) {
        String shown = target == null || target.isEmpty() ? "(empty)" : "`" + target + "`";
        if ("CONNECT".equals(method)) {
            return "CONNECT " + shown + ": this gateway is not a proxy and opens no tunnels; send requests to its paths"
                    + " (/v1/ for the tenant API, /admin/api/v1/ for the admin API).";
        }
        if ("*".equals(target)) {
            return method + " *: only OPTIONS may address the server as a whole; send " + method
                    + " to a path such as /v1/models.";
        }
        return method + " " + shown + ": the request target must be a path starting with / (such as /v1/models) or"
                + " an absolute URL.";
    }

    private static void refuse(RoutingContext rc, String uri, String message) {
        if (!rc.request().isEnded()) {
            ConnectionClose.afterAnswer(rc); // the body is not read
        }
        // The API addressed is named by the leading segments as written, less any path parameters.
        AddressedApi.of(uri)
                .send(
                        rc.response(),
                        new GatewayException.InvalidRequest(message, null, "invalid_url"),
                        ProblemType.INVALID_INPUT);
    }
}
