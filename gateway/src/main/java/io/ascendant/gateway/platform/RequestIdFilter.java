package io.ascendant.gateway.platform;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Gives every HTTP request its ids before anything else runs (authentication included), so every log line of the
 * request carries them and the caller gets them back.
 *
 * <p>Two ids, on purpose. The <em>gateway request id</em> ({@code req_} plus 24 hex digits, 96 random bits) is made
 * here for every request and never taken from the client: it is what the usage ledger, the quota engine's holds and
 * the usage journal are keyed (and idempotent) on, so only the gateway's own retries and replays can collide on it.
 * The <em>correlation id</em> is the client's {@value #HEADER} when it is 1-128 characters of {@code [A-Za-z0-9._:-]}
 * (clients reuse such ids freely, across requests and tenants, so it is never a key), otherwise the gateway request
 * id. The correlation id goes back in {@value #HEADER}, replaces the request header (code that reads the header sees
 * the accepted value), is sent to the model host and is stored with the usage row; the gateway id goes back in
 * {@value #GATEWAY_HEADER}. Both are in the routing context ({@link #CONTEXT_KEY}, {@link #CLIENT_CONTEXT_KEY}: the
 * client's id, absent when it sent none or an unacceptable one) and the MDC ({@link #MDC_KEY} the correlation id,
 * {@link #GATEWAY_MDC_KEY} the gateway id). Quarkus keeps the MDC on the request's duplicated Vert.x context, so it
 * follows the request onto worker and virtual threads.
 */
@ApplicationScoped
public class RequestIdFilter {

    /** Request and response header: the correlation id (the client's own, or the gateway's when it sent none). */
    public static final String HEADER = "x-request-id";
    /** Response header: the gateway's unique id of the request, the key of its usage row. */
    public static final String GATEWAY_HEADER = "x-ascendant-request-id";
    /** MDC key of the correlation id, used by the log format. */
    public static final String MDC_KEY = "requestId";
    /** MDC key of the gateway's own id, used by the log format. */
    public static final String GATEWAY_MDC_KEY = "gatewayRequestId";
    /** Routing-context key holding the gateway's own id as a String. */
    public static final String CONTEXT_KEY = "ascendant.request-id";
    /** Routing-context key holding the client's accepted {@value #HEADER}; absent when it supplied none. */
    public static final String CLIENT_CONTEXT_KEY = "ascendant.client-request-id";

    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Runs before Quarkus' own filters and the security handlers. */
    private static final int PRIORITY = 1_000_000;

    void register(@Observes Filters filters) {
        filters.register(RequestIdFilter::handle, PRIORITY);
    }

    static void handle(RoutingContext ctx) {
        String gatewayId = generate();
        String clientId = acceptable(ctx.request().getHeader(HEADER));
        String correlationId = clientId != null ? clientId : gatewayId;
        ctx.request().headers().set(HEADER, correlationId);
        ctx.response().putHeader(HEADER, correlationId);
        ctx.response().putHeader(GATEWAY_HEADER, gatewayId);
        ctx.put(CONTEXT_KEY, gatewayId);
        if (clientId != null) {
            ctx.put(CLIENT_CONTEXT_KEY, clientId);
        }
        MDC.put(MDC_KEY, correlationId);
        MDC.put(GATEWAY_MDC_KEY, gatewayId);
        ctx.addEndHandler(ignored -> {
            MDC.remove(MDC_KEY);
            MDC.remove(GATEWAY_MDC_KEY);
        });
        ctx.next();
    }

    /** The caller-supplied id when it is 1-128 characters of {@code [A-Za-z0-9._:-]}, otherwise null. */
    public static String acceptable(String incoming) {
        return incoming != null && ACCEPTABLE.matcher(incoming).matches() ? incoming : null;
    }

    /**
     * Gives an answer made where this filter did not run (a request the decoder could not read, a target that is not
     * a path) its two ids, as {@link #handle} would have: a fresh gateway id in {@value #GATEWAY_HEADER}, the
     * caller's acceptable {@value #HEADER} (otherwise the gateway id) in {@value #HEADER}. An answer that already
     * carries a gateway id keeps it.
     *
     * @return the gateway id the answer carries
     */
    public static String putIdsOnAnswer(HttpServerRequest request) {
        String present = request.response().headers().get(GATEWAY_HEADER);
        if (present != null) {
            return present;
        }
        String gatewayId = generate();
        String clientId = acceptable(request.getHeader(HEADER));
        request.response().putHeader(HEADER, clientId != null ? clientId : gatewayId);
        request.response().putHeader(GATEWAY_HEADER, gatewayId);
        return gatewayId;
    }

    /** A new gateway request id: {@code req_} plus 24 hex digits (96 random bits). */
    public static String generate() {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return "req_" + HexFormat.of().formatHex(random);
    }

    /**
     * Runs {@code r} with a request's ids in the MDC ({@code [req= gw=]} of the log format), for log lines written
     * where they are not set (a callback after an asynchronous step, a refusal before the filter ran); the values the
     * thread had before are restored afterwards.
     *
     * @param correlationId the client's {@code x-request-id}, or the gateway's id when the client sent none
     * @param gatewayId the gateway's own request id
     */
    public static void withRequestIds(String correlationId, String gatewayId, Runnable r) {
        Object outerId = MDC.get(MDC_KEY);
        Object outerGatewayId = MDC.get(GATEWAY_MDC_KEY);
        MDC.put(MDC_KEY, correlationId);
        MDC.put(GATEWAY_MDC_KEY, gatewayId);
        try {
            r.run();
        } finally {
            restoreMdc(MDC_KEY, outerId);
            restoreMdc(GATEWAY_MDC_KEY, outerGatewayId);
        }
    }

    private static void restoreMdc(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
