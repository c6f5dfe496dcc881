package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.anthropic.AnthropicProtocol;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.error.ErrorRenderer;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.platform.ConnectionClose;
import io.ascendant.modelhost.api.HostContract;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Anthropic's {@code POST /v1/messages/count_tokens} (the SDKs' {@code messages().countTokens(...)}): answers
 * {@code {"input_tokens": N}}, N being the prompt tokens of exactly the chat request the gateway would send a host for
 * the same body ({@link AnthropicProtocol#prepareCount}), counted with the shared V4 tokenizer and chat encoding the
 * way the host encodes it ({@link TokenCounter#countPrompt}: tools, thinking mode and the template's special tokens
 * included). The same checks as {@code /v1/messages} come first, in the same order and shape: request id, API key
 * (401), content type and content coding (415), body limit {@code gateway.limits.max-body-bytes} (413), JSON (400),
 * fields (400), model the key may use (404).
 *
 * <p>Nothing reaches a host and nothing is metered, charged or admitted: like Anthropic, counting is free, and it
 * takes no request, token or concurrency slot of the key's rate limits (Anthropic limits it separately; the gateway
 * has no separate limit, the body limit bounds the work). Counting is CPU work proportional to the prompt, so it runs
 * on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class TokenCountEndpoint {

    @Inject
    DataPathConfig config;

    @Inject
    TokenCounter tokenCounter;

    /** Serves one count request; the caller has checked the {@code anthropic-version} header. */
    public void handle(RoutingContext rc, AnthropicProtocol protocol) {
        HttpServerRequest req = rc.request();
        rc.response()
                .putHeader(
                        HostContract.HEADER_REQUEST_ID,
                        RequestIds.acceptOrGenerate(req.getHeader(HostContract.HEADER_REQUEST_ID)));
        try {
            TenantCaller caller =
                    rc.user() instanceof QuarkusHttpUser u ? CallerResolver.resolve(u.getSecurityIdentity()) : null;
            if (caller == null) {
                throw new GatewayException.Unauthenticated();
            }
            String contentType = req.getHeader("content-type");
            if (!RequestBodies.isJson(contentType)) {
                throw new GatewayException.UnsupportedMediaType(contentType);
            }
            RequestBodies.requireIdentityCoding(rc);
            long limit = config.limits().maxBodyBytes();
            String length = req.getHeader("content-length");
            if (length != null && RequestBodies.parseLength(length) > limit) {
                throw new GatewayException.PayloadTooLarge(limit);
            }
            RequestBodies.read(rc, limit)
                    .map(body -> protocol.prepareCount(Json.parseObject(body), caller))
                    .compose(prepared -> rc.vertx()
                            .executeBlocking(
                                    () -> tokenCounter.countPrompt(prepared.hostBody(), prepared.promptText()), false))
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            fail(rc, ar.cause());
                            return;
                        }
                        ObjectNode out = Json.MAPPER.createObjectNode();
                        out.put("input_tokens", ar.result());
                        if (!rc.response().ended() && !rc.response().closed()) {
                            rc.response()
                                    .putHeader("content-type", "application/json")
                                    .end(Json.buffer(out));
                        }
                    });
        } catch (RuntimeException e) {
            fail(rc, e);
        }
    }

    private static void fail(RoutingContext rc, Throwable t) {
        GatewayException e;
        if (t instanceof GatewayException g) {
            e = g;
        } else {
            Log.warnf(t, "Token count failed unexpectedly");
            e = new GatewayException.UpstreamFailure(500, "The tokens could not be counted.", "gateway_error");
        }
        if (rc.response().headWritten() || rc.response().closed()) {
            return;
        }
        if (e instanceof GatewayException.PayloadTooLarge) {
            ConnectionClose.afterAnswer(rc); // the rest of the body is not read
        }
        ErrorRenderer.send(rc.response(), e, true);
    }
}
