package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.anthropic.AnthropicProtocol;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.error.ErrorRenderer;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.openai.OpenAiProtocol;
import io.ascendant.modelhost.api.HostContract;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The tenant API routes, registered directly on the Vert.x router so that bodies, streams and back-pressure are
 * under the gateway's control: OpenAI {@code POST /v1/chat/completions}, {@code POST /v1/completions},
 * {@code GET /v1/models}, and Anthropic {@code POST /v1/messages}. Authentication is the tenancy module's
 * {@code HttpAuthenticationMechanism} (proactive); each handler requires the role {@code tenant-api} and answers 401
 * in its API's own error shape otherwise.
 */
@ApplicationScoped
public class TenantRoutes {

    @Inject
    DataPathPipeline pipeline;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    DataPathConfig config;

    void register(@Observes Router router) {
        OpenAiProtocol chat = new OpenAiProtocol(true, catalogue, config);
        OpenAiProtocol completions = new OpenAiProtocol(false, catalogue, config);
        AnthropicProtocol messages = new AnthropicProtocol(catalogue, config);
        router.post(HostContract.CHAT_COMPLETIONS).handler(rc -> pipeline.handle(rc, chat));
        router.post(HostContract.COMPLETIONS).handler(rc -> pipeline.handle(rc, completions));
        router.post("/v1/messages").handler(rc -> {
            if (rc.request().getHeader("anthropic-version") == null) {
                ErrorRenderer.send(
                        rc.response(),
                        new GatewayException.InvalidRequest(
                                "anthropic-version: header is required.", "anthropic-version", "invalid_request"),
                        true);
                return;
            }
            pipeline.handle(rc, messages);
        });
        router.get(HostContract.MODELS).handler(this::models);
    }

    /** {@code GET /v1/models}: the routes the key may use (public names; aliases are not listed). */
    void models(RoutingContext rc) {
        rc.response()
                .putHeader(
                        HostContract.HEADER_REQUEST_ID,
                        RequestIds.acceptOrGenerate(rc.request().getHeader(HostContract.HEADER_REQUEST_ID)));
        TenantCaller caller =
                rc.user() instanceof QuarkusHttpUser u ? CallerResolver.resolve(u.getSecurityIdentity()) : null;
        if (caller == null) {
            ErrorRenderer.send(rc.response(), new GatewayException.Unauthenticated(), false);
            return;
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelRoute r : catalogue.visibleTo(caller.allowedModels())) {
            ObjectNode m = data.addObject();
            m.put("id", r.publicName());
            m.put("object", "model");
            m.put("created", 0);
            m.put("owned_by", "ascendant");
            m.put("max_model_len", r.contextLength());
            m.put("max_output_tokens", r.maxOutputTokens());
        }
        rc.response().putHeader("content-type", "application/json").end(Json.buffer(root));
    }
}
