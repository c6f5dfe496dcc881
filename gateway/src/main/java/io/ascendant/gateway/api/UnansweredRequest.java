package io.ascendant.gateway.api;

import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.error.ErrorRenderer;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.streaming.LiveStreams;
import io.ascendant.gateway.upstream.ClientCancellation;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A dispatched request whose host has not answered yet (a non-streamed request until its whole answer, a streamed one
 * until its first byte), as {@link LiveStreams} ends it when the gateway shuts down: the host call is cancelled (its
 * connection reset, so the host stops generating), the client gets a 503 {@code gateway_shutting_down} in the
 * addressed API's shape with {@code Retry-After: 1} (another replica can serve it), and the request's one usage record
 * is {@code FAILED} with nothing charged, since no output reached the client. Without this such a request waited
 * past the graceful-shutdown deadline and ended when the host connections closed, after the usage ledger's last
 * flush, so its record reached the ledger only from the usage journal at the next start.
 */
final class UnansweredRequest implements LiveStreams.Unanswered {

    private static final String MESSAGE =
            "The gateway is shutting down and ended this request before the model host answered; retry the request.";

    private final RoutingContext rc;
    private final RequestState st;
    private final Context ctx;
    private final ClientCancellation cancellation;
    private final RequestSettlement settlement;
    private final boolean anthropic;

    UnansweredRequest(
            RoutingContext rc,
            RequestState st,
            Context ctx,
            ClientCancellation cancellation,
            RequestSettlement settlement,
            boolean anthropic) {
        this.rc = rc;
        this.st = st;
        this.ctx = ctx;
        this.cancellation = cancellation;
        this.settlement = settlement;
        this.anthropic = anthropic;
    }

    @Override
    public CompletableFuture<Void> endForShutdown() {
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        RequestContexts.onContext(ctx, () -> {
            if (st.finished.get()) {
                recorded.complete(null);
                return;
            }
            Log.infof("Gateway shutting down: request %s ended before its host answered", st.requestId);
            cancellation.cancel(); // the host call's completion then sees the cancellation and leaves the request
            // Ended before the answer is written: the connection may close while the answer is written (Connection:
            // close during shutdown), and its close handler would otherwise end the request as the client's CANCELLED.
            CompletionStage<Void> usage = settlement.finish(st, UsageStatus.FAILED);
            HttpServerResponse resp = rc.response();
            if (!resp.headWritten() && !resp.closed()) {
                ErrorRenderer.send(
                        resp, new GatewayException.Unavailable(MESSAGE, "gateway_shutting_down", 1), anthropic);
            }
            usage.whenComplete((v, t) -> recorded.complete(null));
        });
        return recorded;
    }
}
