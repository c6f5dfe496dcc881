package io.ascendant.gateway.api;

import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.upstream.UpstreamException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/** Maps what the upstream client failed with to the error the tenant sees (status, message, code). */
final class UpstreamFailures {
    private UpstreamFailures() {}

    /**
     * The tenant-facing error for a failed host call: 503 {@code NoCapacity} when every pod was unavailable (503,
     * open breaker, full bulkhead, given up while the request waited for its first byte), 502 when unreachable
     * ({@code upstream_unreachable}: no connection could be made), when the host closed or reset the connection after
     * it was made and before its answer was complete ({@code upstream_connection_closed}: it was reached, and may have
     * died working on the request) or failing ({@code upstream_error}), 504 on the first-byte timeout.
     */
    static GatewayException toGatewayException(Throwable t, PreparedRequest p) {
        String model = p.route().publicName();
        Throwable cause = t instanceof UpstreamException.NoPodLeft && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof GatewayException g) {
            return g;
        }
        if (cause instanceof UpstreamException.Unavailable
                || cause instanceof UpstreamException.PodAbandoned
                || cause instanceof CircuitBreakerOpenException
                || cause instanceof BulkheadException
                || (cause == t && t instanceof UpstreamException.NoPodLeft)) {
            return new GatewayException.NoCapacity(
                    "No host for model `" + model + "` could take the request (all unavailable). Retry later.");
        }
        if (cause instanceof UpstreamException.Unreachable u && u.connected()) {
            return new GatewayException.UpstreamFailure(
                    502,
                    "The model host for model `" + model + "` closed the connection before its answer was complete.",
                    "upstream_connection_closed");
        }
        if (cause instanceof UpstreamException.Unreachable) {
            return new GatewayException.UpstreamFailure(
                    502, "No host for model `" + model + "` could be reached.", "upstream_unreachable");
        }
        if (cause instanceof UpstreamException.ServerError se) {
            return new GatewayException.UpstreamFailure(
                    502, "The model host failed (status " + se.status() + ").", "upstream_error");
        }
        if (cause instanceof TimeoutException) {
            return new GatewayException.UpstreamFailure(
                    504, "The model host did not answer in time.", "upstream_timeout");
        }
        return new GatewayException.UpstreamFailure(502, "The model host failed.", "upstream_error");
    }
}
