package io.ascendant.gateway.api;

import io.ascendant.gateway.platform.RequestIdFilter;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;

/**
 * How a request that failed with something other than a {@code GatewayException} is logged: a client that closed its
 * connection (a timeout, a user who pressed stop) is normal and goes to DEBUG; anything else is a WARN with the stack
 * trace. Both carry the request's ids in the MDC, which callbacks after an asynchronous step may not have set.
 */
final class RequestFailureLog {
    private RequestFailureLog() {}

    /** Logs {@code t}, the failure of the request {@code st} answered on {@code resp}. */
    static void unexpected(RequestState st, HttpServerResponse resp, Throwable t) {
        boolean clientLeft = clientClosed(resp, t);
        RequestIdFilter.withRequestIds(st.correlationId(), st.requestId, () -> {
            if (clientLeft) {
                Log.debugf("Client closed the connection of request %s before its answer", st.requestId);
            } else {
                Log.warnf(t, "Request %s failed unexpectedly", st.requestId);
            }
        });
    }

    /**
     * Whether {@code t} is the client's connection closing (the response's connection is gone, or Vert.x reported
     * it closed while the body was read): a normal event, not a failure. A host connection that closes reaches
     * {@code DataPathPipeline.fail} as a {@link GatewayException} (see {@link UpstreamFailures}), never as this.
     */
    static boolean clientClosed(HttpServerResponse resp, Throwable t) {
        if (resp.closed()) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
    }
}
