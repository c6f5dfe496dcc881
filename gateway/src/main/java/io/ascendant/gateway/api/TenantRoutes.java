package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.anthropic.AnthropicProtocol;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.dispatch.PoolContextWindows;
import io.ascendant.gateway.error.ErrorRenderer;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.openai.OpenAiProtocol;
import io.ascendant.gateway.platform.ConnectionClose;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.tenancy.apikey.ApiKeyAuthentication;
import io.ascendant.tenancy.apikey.ApiKeyScope;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The tenant API routes, registered directly on the Vert.x router so that bodies, streams and back-pressure are
 * under the gateway's control: OpenAI {@code POST /v1/chat/completions}, {@code POST /v1/completions},
 * {@code GET /v1/models}, {@code GET /v1/models/{id}}, and Anthropic {@code POST /v1/messages} and
 * {@code POST /v1/messages/count_tokens} ({@link TokenCountEndpoint}). Authentication is the tenancy module's
 * {@code HttpAuthenticationMechanism} (proactive), short-cut for cached valid keys by {@link CachedKeyFastPath}; each
 * handler requires the role {@code tenant-api} and answers 401
 * in its API's own error shape otherwise. Another method on one of these paths is a 405 with {@code Allow}; a body
 * refused by Quarkus' body handler (over {@code quarkus.http.limits.max-body-size}, e.g. sent chunked) is a 413, both
 * in the endpoint's own error shape.
 */
@ApplicationScoped
public class TenantRoutes {
    /** After {@code RequestIdFilter} (1,000,000), before Quarkus' security handlers. */
    private static final int BODY_LIMIT_FILTER_PRIORITY = 900_000;

    /** Anthropic's token counting path. */
    static final String COUNT_TOKENS_PATH = "/v1/messages/count_tokens";

    /** The OpenAPI template of {@code GET /v1/models/{id}}, also the name of its (regular expression) route. */
    public static final String MODEL_PATH = "/v1/models/{id}";

    /** {@link #MODEL_PATH}: the id is everything after the slash. */
    private static final String MODEL_PATH_REGEX = "/v1/models/(?<id>.+)";

    @Inject
    DataPathPipeline pipeline;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    DataPathConfig config;

    @Inject
    TokenCountEndpoint tokenCount;

    @Inject
    PoolContextWindows contextWindows;

    @Inject
    ApiKeyAuthentication authentication;

    /** Serves requests with a cached valid key before Quarkus' security chain; set by {@link #register}. */
    private volatile CachedKeyFastPath fastPath;

    void register(@Observes Router router) {
        // The protocols resolve a model on every request: call the catalogue itself, not its client proxy.
        ModelCatalogue catalogue = ClientProxy.unwrap(this.catalogue);
        OpenAiProtocol chat = new OpenAiProtocol(true, catalogue, config);
        OpenAiProtocol completions = new OpenAiProtocol(false, catalogue, config);
        AnthropicProtocol messages = new AnthropicProtocol(catalogue, config);
        Map<String, Handler<RoutingContext>> post = new LinkedHashMap<>();
        post.put(HostContract.CHAT_COMPLETIONS, rc -> pipeline.handle(rc, chat));
        post.put(HostContract.COMPLETIONS, rc -> pipeline.handle(rc, completions));
        post.put("/v1/messages", rc -> {
            if (hasAnthropicVersion(rc)) {
                pipeline.handle(rc, messages);
            }
        });
        post.put(COUNT_TOKENS_PATH, rc -> {
            if (hasAnthropicVersion(rc)) {
                tokenCount.handle(rc, messages);
            }
        });
        post.forEach((path, handler) -> router.post(path).handler(handler));
        fastPath = new CachedKeyFastPath(authentication, post);
        router.get(HostContract.MODELS).handler(this::models);
        // Public names may contain '/' (an SDK sends it as %2F, which Vert.x decodes in the parameter).
        router.getWithRegex(MODEL_PATH_REGEX).setName(MODEL_PATH).handler(this::model);
        // Registered after the routes above, so only the other methods of each endpoint arrive here.
        refuseOtherMethods(router, HostContract.CHAT_COMPLETIONS, "POST", false);
        refuseOtherMethods(router, HostContract.COMPLETIONS, "POST", false);
        refuseOtherMethods(router, "/v1/messages", "POST", true);
        refuseOtherMethods(router, COUNT_TOKENS_PATH, "POST", true);
        refuseOtherMethods(router, HostContract.MODELS, "GET", false);
        router.routeWithRegex(MODEL_PATH_REGEX).setName(MODEL_PATH).handler(rc -> refuseMethod(rc, "GET", false));
        // Quarkus' body handler fails the route with 413 when a chunked body grows over its limit.
        router.route("/v1/*").order(Integer.MIN_VALUE).failureHandler(this::bodyTooLarge);
    }

    /**
     * The {@code anthropic-version} values Anthropic documents (its API versioning page): {@code 2026-10-21}, which
     * {@code anthropic-java} 3.x sends, {@code 2023-06-01} and the initial {@code 2023-01-01}. All get the same
     * answers here: the differences of 2026-10-21 (it refuses {@code temperature}, {@code top_p}, {@code top_k} and
     * non-empty {@code citations} in user text blocks) and of 2023-01-01 (streams of cumulative text) are not applied.
     */
    static final List<String> ANTHROPIC_VERSIONS = List.of("2026-10-21", "2023-06-01", "2023-01-01");

    /**
     * Answers 400 in Anthropic's shape and returns false when the request lacks {@code anthropic-version} or names a
     * version Anthropic does not document ({@link #ANTHROPIC_VERSIONS}); the message names the header, the value (cut
     * to 64 characters) and the accepted versions.
     */
    private static boolean hasAnthropicVersion(RoutingContext rc) {
        String version = rc.request().getHeader("anthropic-version");
        if (version != null && ANTHROPIC_VERSIONS.contains(version)) {
            return true;
        }
        String message = version == null
                ? "anthropic-version: header is required."
                : "anthropic-version: '" + (version.length() > 64 ? version.substring(0, 64) + "..." : version)
                        + "' is not a supported version; accepted versions: " + String.join(", ", ANTHROPIC_VERSIONS)
                        + ".";
        ErrorRenderer.send(
                rc.response(),
                new GatewayException.InvalidRequest(message, "anthropic-version", "invalid_request"),
                true);
        return false;
    }

    /**
     * A declared body ({@code Content-Length}) over the limit is refused before anything reads it; otherwise
     * Quarkus' body handler would answer a length over {@code quarkus.http.limits.max-body-size} with an empty 413.
     * Runs after the request id is set and before authentication (a refusal needs no key).
     */
    void registerBodyLimit(@Observes Filters filters) {
        filters.register(this::refuseDeclaredOversizeBody, BODY_LIMIT_FILTER_PRIORITY);
        // Filters are set up before routes; the fast path exists once register(Router) has run.
        filters.register(
                rc -> {
                    CachedKeyFastPath f = fastPath;
                    if (f == null) {
                        rc.next();
                    } else {
                        f.handle(rc);
                    }
                },
                CachedKeyFastPath.PRIORITY);
    }

    private void refuseDeclaredOversizeBody(RoutingContext rc) {
        String length = rc.request().getHeader("content-length");
        if (length != null
                && isDataPath(rc.normalizedPath())
                && exceeds(length, config.limits().maxBodyBytes())) {
            refuseTooLarge(rc, config.limits().maxBodyBytes());
            return;
        }
        rc.next();
    }

    private static boolean exceeds(String contentLength, long limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // Vert.x refuses a malformed length itself
        }
    }

    private static boolean isDataPath(String path) {
        return HostContract.CHAT_COMPLETIONS.equals(path)
                || HostContract.COMPLETIONS.equals(path)
                || "/v1/messages".equals(path)
                || COUNT_TOKENS_PATH.equals(path);
    }

    private static void refuseTooLarge(RoutingContext rc, long limit) {
        rc.response()
                .putHeader(
                        HostContract.HEADER_REQUEST_ID,
                        RequestIds.acceptOrGenerate(rc.request().getHeader(HostContract.HEADER_REQUEST_ID)));
        ConnectionClose.afterAnswer(rc); // the rest of the body is not read
        ErrorRenderer.send(
                rc.response(),
                new GatewayException.PayloadTooLarge(limit),
                rc.normalizedPath().startsWith("/v1/messages"));
    }

    private static void refuseOtherMethods(Router router, String path, String allow, boolean anthropic) {
        router.route(path).handler(rc -> refuseMethod(rc, allow, anthropic));
    }

    private static void refuseMethod(RoutingContext rc, String allow, boolean anthropic) {
        rc.response()
                .putHeader(
                        HostContract.HEADER_REQUEST_ID,
                        RequestIds.acceptOrGenerate(rc.request().getHeader(HostContract.HEADER_REQUEST_ID)));
        ErrorRenderer.send(
                rc.response(),
                new GatewayException.MethodNotAllowed(rc.request().method().name(), rc.normalizedPath(), allow),
                anthropic);
    }

    /** The failure handler of the tenant paths: a body-handler 413 in the endpoint's own error shape. */
    void bodyTooLarge(RoutingContext rc) {
        if (rc.statusCode() != 413
                || !isDataPath(rc.normalizedPath())
                || rc.response().headWritten()) {
            rc.next();
            return;
        }
        refuseTooLarge(
                rc,
                Math.min(
                        config.limits().maxBodyBytes(),
                        ConfigProvider.getConfig()
                                .getOptionalValue("quarkus.http.limits.max-body-size", String.class)
                                .map(v -> new MemorySizeConverter().convert(v).asLongValue())
                                .orElse(Long.MAX_VALUE)));
    }

    /** {@code GET /v1/models}: the routes the key may use (public names; aliases are not listed). */
    void models(RoutingContext rc) {
        TenantCaller caller = caller(rc);
        if (caller == null) {
            return;
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelRoute r : catalogue.visibleTo(caller.allowedModels())) {
            writeModel(data.addObject(), r.publicName(), r, contextWindows.effective(r));
        }
        rc.response().putHeader("content-type", "application/json").end(Json.buffer(root));
    }

    /**
     * {@code GET /v1/models/{id}}: OpenAI's Model object for a public name or alias the key may use (the id is echoed
     * as asked, as the data path accepts both); any other id is a 404 {@code model_not_found} that does not tell a
     * model the key may not use from one that does not exist.
     */
    void model(RoutingContext rc) {
        TenantCaller caller = caller(rc);
        if (caller == null) {
            return;
        }
        String id = rc.pathParam("id");
        ModelRoute route = catalogue
                .resolve(id)
                .filter(r -> ModelCatalogue.allows(caller.allowedModels(), r))
                .orElse(null);
        if (route == null) {
            ErrorRenderer.send(rc.response(), new GatewayException.ModelNotFound(id), false);
            return;
        }
        ObjectNode m = Json.MAPPER.createObjectNode();
        writeModel(m, id, route, contextWindows.effective(route));
        rc.response().putHeader("content-type", "application/json").end(Json.buffer(m));
    }

    /**
     * Sets the request id header; answers 401 (no tenant caller) or 403 (the key lacks {@code inference}) and returns
     * null when the request may not go on.
     */
    private static TenantCaller caller(RoutingContext rc) {
        rc.response()
                .putHeader(
                        HostContract.HEADER_REQUEST_ID,
                        RequestIds.acceptOrGenerate(rc.request().getHeader(HostContract.HEADER_REQUEST_ID)));
        try {
            return CallerResolver.resolve(
                    rc.user() instanceof QuarkusHttpUser u ? u.getSecurityIdentity() : null,
                    ApiKeyScope.INFERENCE,
                    rc.normalizedPath());
        } catch (GatewayException e) {
            ErrorRenderer.send(rc.response(), e, false);
            return null;
        }
    }

    /**
     * OpenAI's Model object ({@code id}, {@code object}, {@code created}, {@code owned_by}) plus the limits vLLM and
     * DeepSeek clients read. {@code created} is 0: catalogue routes carry no creation time that is the same on every
     * replica and for static routes.
     *
     * @param contextWindow the route's effective context window ({@link PoolContextWindows}), the window the data
     *     path enforces, reported as {@code max_model_len}
     */
    private static void writeModel(ObjectNode m, String id, ModelRoute r, long contextWindow) {
        m.put("id", id);
        m.put("object", "model");
        m.put("created", 0);
        m.put("owned_by", "ascendant");
        m.put("max_model_len", contextWindow);
        m.put("max_output_tokens", r.maxOutputTokens());
    }
}
