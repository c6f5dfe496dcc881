package io.ascendant.gateway.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Where the steps of a tenant request run: on the request's own event loop. */
final class RequestContexts {
    private RequestContexts() {}

    /**
     * Runs {@code r} on the request's event loop. A callback may arrive on a worker thread that carries the request's
     * context (admission runs there); continuing there would put dispatch, the host call and the answer on the worker
     * pool, with a thread hand-off at each later step, so such callbacks hop back.
     *
     * @param ctx the request's context; null runs {@code r} at once
     */
    static void onContext(Context ctx, Runnable r) {
        if (ctx == null || (Vertx.currentContext() == ctx && Context.isOnEventLoopThread())) {
            r.run();
        } else {
            ctx.runOnContext(v -> r.run());
        }
    }
}
