package io.ascendant.gateway.platform;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Gives every HTTP request a request id before anything else runs (authentication included), so every log line of
 * the request carries it ({@code %X{requestId}} in the log format) and the caller gets it back.
 *
 * <p>An incoming {@value #HEADER} of 1-128 characters from {@code [A-Za-z0-9._:-]} is kept; anything else is
 * replaced by a generated {@code req_} plus 24 hex digits. The id is written back into the request header (so code
 * that reads the header sees the accepted value), set on the response, stored in the routing context under
 * {@link #CONTEXT_KEY} and put into the MDC under {@link #MDC_KEY}. Quarkus keeps the MDC on the request's
 * duplicated Vert.x context, so it follows the request onto worker and virtual threads.
 */
@ApplicationScoped
public class RequestIdFilter {

    /** Request and response header. */
    public static final String HEADER = "x-request-id";
    /** MDC key, used by the log format. */
    public static final String MDC_KEY = "requestId";
    /** Routing-context key holding the id as a String. */
    public static final String CONTEXT_KEY = "ascendant.request-id";

    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Runs before Quarkus' own filters and the security handlers. */
    private static final int PRIORITY = 1_000_000;

    void register(@Observes Filters filters) {
        filters.register(RequestIdFilter::handle, PRIORITY);
    }

    static void handle(RoutingContext ctx) {
        String id = acceptOrGenerate(ctx.request().getHeader(HEADER));
        ctx.request().headers().set(HEADER, id);
        ctx.response().putHeader(HEADER, id);
        ctx.put(CONTEXT_KEY, id);
        MDC.put(MDC_KEY, id);
        ctx.addEndHandler(ignored -> MDC.remove(MDC_KEY));
        ctx.next();
    }

    /** Keeps an acceptable caller-supplied id, otherwise generates one. */
    public static String acceptOrGenerate(String incoming) {
        if (incoming != null && ACCEPTABLE.matcher(incoming).matches()) {
            return incoming;
        }
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return "req_" + HexFormat.of().formatHex(random);
    }
}
