package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.admission.AdmissionControl;
import io.ascendant.gateway.admission.AdmissionRequest;
import io.ascendant.gateway.anthropic.AnthropicProtocol;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.error.ErrorRenderer;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.platform.ConnectionClose;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.tenancy.apikey.ApiKeyScope;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Future;
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
 * <p>Nothing reaches a host and nothing is metered or charged: like Anthropic, counting is free. But counting is CPU
 * work proportional to the prompt (a 4 MiB body takes over a second), so each call counts as one request against the
 * key's, project's and tenant's requests-per-minute limits ({@link AdmissionControl#countRequest}; 429 in Anthropic's
 * shape with {@code Retry-After} when over), after the model check; it takes no token rate, concurrency slot or
 * budget. It runs on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class TokenCountEndpoint {

    @Inject
    DataPathConfig config;

    @Inject
    TokenCounter tokenCounter;

    @Inject
    AdmissionControl admission;

    /** Serves one count request; the caller has checked the {@code anthropic-version} header. */
    public void handle(RoutingContext rc, AnthropicProtocol protocol) {
        HttpServerRequest req = rc.request();
        rc.response()
                .putHeader(
                        HostContract.HEADER_REQUEST_ID,
                        RequestIds.acceptOrGenerate(req.getHeader(HostContract.HEADER_REQUEST_ID)));
        try {
            TenantCaller caller = CallerResolver.resolve(
                    rc.user() instanceof QuarkusHttpUser u ? u.getSecurityIdentity() : null,
                    ApiKeyScope.INFERENCE,
                    TenantRoutes.COUNT_TOKENS_PATH);
            String contentType = req.getHeader("content-type");
            if (!RequestBodies.isJson(contentType)) {
                throw new GatewayException.UnsupportedMediaType(contentType);
            }
            RequestBodies.requireUtf8(contentType);
            RequestBodies.requireIdentityCoding(rc);
            long limit = config.limits().maxBodyBytes();
            String length = req.getHeader("content-length");
            if (length != null && RequestBodies.parseLength(length) > limit) {
                throw new GatewayException.PayloadTooLarge(limit);
            }
            RequestBodies.read(rc, limit)
                    .map(body -> protocol.prepareCount(Json.parseObject(body), caller))
                    .compose(prepared -> countRequest(rc, caller, prepared))
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

    /**
     * Takes one request of the caller's requests-per-minute limits ({@link AdmissionControl#countRequest}), so that
     * counting, which is CPU work the size of the prompt, cannot be called without bound; fails with the 429 of the
     * limit when over it.
     */
    private Future<PreparedRequest> countRequest(RoutingContext rc, TenantCaller caller, PreparedRequest prepared) {
        AdmissionRequest request = new AdmissionRequest(
                RequestIds.gatewayId(rc),
                caller.tenantId(),
                caller.projectId(),
                caller.keyId(),
                prepared.route().publicName(),
                prepared.route().priceTier(),
                0,
                0);
        return Future.fromCompletionStage(
                        admission.countRequest(request).subscribeAsCompletionStage(),
                        rc.vertx().getOrCreateContext())
                .map(v -> prepared);
    }

    private static void fail(RoutingContext rc, Throwable t) {
        GatewayException e;
        if (t instanceof GatewayException g) {
            e = g;
        } else {
            if (RequestFailureLog.clientClosed(rc.response(), t)) {
                Log.debugf("Client closed the connection of a token count before its answer");
            } else {
                Log.warnf(t, "Token count failed unexpectedly");
            }
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
