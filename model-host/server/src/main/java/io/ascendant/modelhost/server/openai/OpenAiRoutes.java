package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.engine.sampling.Sampler;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.modelhost.server.loading.HostState;
import io.ascendant.modelhost.server.loading.ModelHost;
import io.ascendant.modelhost.server.metrics.HostMetrics;
import io.ascendant.modelhost.server.prefixcache.PrefixCache;
import io.ascendant.modelhost.server.scheduler.AdmissionException;
import io.ascendant.modelhost.server.scheduler.Scheduler;
import io.ascendant.modelhost.server.scheduler.Sequence;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The vLLM-compatible HTTP surface, as plain Vert.x routes so that SSE framing and error bodies are exactly
 * vLLM's/OpenAI's. Handlers parse and validate on a worker (tokenising can take milliseconds), then hand the
 * sequence to the scheduler; output comes back through {@link VertxSink} on the connection's event loop.
 */
@Singleton
public class OpenAiRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final ModelHost host;

    public OpenAiRoutes(ModelHost host) {
        this.host = host;
    }

    void routes(@Observes Router router) {
        BodyHandler body = BodyHandler.create().setBodyLimit(32L * 1024 * 1024);
        router.post(HostContract.CHAT_COMPLETIONS).handler(body).handler(ctx -> generate(ctx, true));
        router.post(HostContract.COMPLETIONS).handler(body).handler(ctx -> generate(ctx, false));
        router.get(HostContract.MODELS).handler(this::models);
        router.post(HostContract.TOKENIZE).handler(body).handler(this::tokenize);
        router.post(HostContract.DETOKENIZE).handler(body).handler(this::detokenize);
        router.get(HostContract.HEALTH).handler(this::health);
        router.get(HostContract.METRICS).handler(this::metrics);
    }

    private void generate(RoutingContext ctx, boolean chat) {
        String requestId = requestId(ctx);
        if (!ready(ctx)) {
            return;
        }
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        Context context = Vertx.currentContext();
        RequestParser parser = new RequestParser(host);
        ctx.vertx()
                .executeBlocking(() -> parser.parse(body, chat), false)
                .onSuccess(req -> submit(ctx, context, requestId, req))
                .onFailure(e -> fail(ctx, e));
    }

    private void submit(RoutingContext ctx, Context context, String requestId, GenerationRequest req) {
        Scheduler scheduler = host.scheduler();
        VertxSink sink = new VertxSink(context, ctx.response());
        CompletionJob job = new CompletionJob(req, requestId, host.tokenizer(), sink);
        Sampler sampler = new Sampler(req.params(), host.model().vocabSize(), req.promptIds());
        long reserved =
                host.kvBytesFor((long) req.promptIds().length + req.params().maxTokens());
        Sequence seq = new Sequence(requestId, req.promptIds(), sampler, job, reserved);
        // registered before submission so that a client gone at once is not missed; harmless if refused below
        ctx.response().closeHandler(v -> {
            if (!ctx.response().ended()) {
                job.clientGone();
                seq.cancel();
            }
        });
        try {
            scheduler.submit(seq);
        } catch (AdmissionException e) {
            if (e.status() == 429) {
                ctx.response()
                        .putHeader("retry-after", Integer.toString(host.config().retryAfterSeconds()));
            }
            send(
                    ctx,
                    e.status(),
                    OpenAiException.body(
                            e.status(),
                            e.status() == 429 ? "RateLimitError" : "ServiceUnavailableError",
                            null,
                            e.getMessage()));
            return;
        }
        if (req.stream()) {
            sink.open();
        }
    }

    private void models(RoutingContext ctx) {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ObjectNode m = root.putArray("data").addObject();
        m.put("id", host.config().servedModelName())
                .put("object", "model")
                .put("created", 0)
                .put("owned_by", "ascendant")
                .put("root", host.config().modelDir().toString())
                .putNull("parent")
                .put("max_model_len", host.config().maxModelLen());
        send(ctx, 200, root);
    }

    private void tokenize(RoutingContext ctx) {
        if (!ready(ctx)) {
            return;
        }
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        try {
            checkFields(
                    body,
                    Set.of(
                            "model",
                            "prompt",
                            "messages",
                            "add_special_tokens",
                            "tools",
                            "thinking",
                            "chat_template_kwargs",
                            "add_generation_prompt"));
            int[] ids;
            if (body.hasNonNull("messages")) {
                boolean thinking = "enabled"
                                .equals(body.path("thinking").path("type").asText(""))
                        || body.path("chat_template_kwargs").path("thinking").asBoolean(false);
                java.util.List<JsonNode> tools = new java.util.ArrayList<>();
                body.path("tools").forEach(tools::add);
                ids = host.encoder()
                        .encode(
                                ChatMessage.listFromJson(body.get("messages")),
                                tools,
                                thinking ? ChatOptions.thinkingMode() : ChatOptions.chatMode());
            } else if (body.path("prompt").isTextual()) {
                ids = host.tokenizer().encode(body.get("prompt").asText());
            } else {
                throw OpenAiException.badRequest("prompt", "prompt (a string) or messages (an array) is required.");
            }
            ObjectNode out = JSON.createObjectNode()
                    .put("count", ids.length)
                    .put("max_model_len", host.config().maxModelLen());
            ArrayNode arr = out.putArray("tokens");
            for (int id : ids) {
                arr.add(id);
            }
            send(ctx, 200, out);
        } catch (IllegalArgumentException e) {
            send(ctx, 400, OpenAiException.body(400, "invalid_request_error", "messages", e.getMessage()));
        } catch (OpenAiException e) {
            send(ctx, e.status(), e.body());
        }
    }

    private void detokenize(RoutingContext ctx) {
        if (!ready(ctx)) {
            return;
        }
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        try {
            checkFields(body, Set.of("model", "tokens"));
            JsonNode t = body.get("tokens");
            if (t == null || !t.isArray()) {
                throw OpenAiException.badRequest("tokens", "tokens must be an array of token ids.");
            }
            int[] ids = new int[t.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode x = t.get(i);
                if (!x.canConvertToInt()
                        || !x.isIntegralNumber()
                        || x.asInt() < 0
                        || x.asInt() >= host.tokenizer().vocabularySize()) {
                    throw OpenAiException.badRequest(
                            "tokens",
                            "tokens[" + i + "] is not a token id in 0.."
                                    + (host.tokenizer().vocabularySize() - 1) + ".");
                }
                ids[i] = x.asInt();
            }
            send(
                    ctx,
                    200,
                    JSON.createObjectNode().put("prompt", host.tokenizer().decode(ids)));
        } catch (OpenAiException e) {
            send(ctx, e.status(), e.body());
        }
    }

    /** 200 once the model is loaded and the pod is not draining; 503 otherwise (what the gateway's poll reads). */
    private void health(RoutingContext ctx) {
        ctx.response().setStatusCode(host.ready() ? 200 : 503).end();
    }

    private void metrics(RoutingContext ctx) {
        Scheduler s = host.scheduler();
        PrefixCache c = host.prefixCache();
        HostMetrics.Gauges g = new HostMetrics.Gauges(
                () -> s == null ? 0 : s.running(),
                () -> s == null ? 0 : s.waiting(),
                () -> s == null ? 0 : s.kvUsage(),
                () -> c == null ? 0 : c.queriedTokens(),
                () -> c == null ? 0 : c.hitTokens());
        ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(host.metrics().scrape(g));
    }

    private boolean ready(RoutingContext ctx) {
        HostState st = host.state();
        if (st == HostState.READY) {
            return true;
        }
        String msg = switch (st) {
            case LOADING -> "The model is loading; retry shortly.";
            case DRAINING -> "The model host is draining and takes no new requests.";
            default -> "The model host failed to load its model.";
        };
        send(ctx, 503, OpenAiException.body(503, "ServiceUnavailableError", null, msg));
        return false;
    }

    private static JsonNode body(RoutingContext ctx) {
        try {
            String text = ctx.body() == null ? null : ctx.body().asString();
            if (text == null || text.isBlank()) {
                send(ctx, 400, OpenAiException.body(400, "invalid_request_error", null, "A JSON body is required."));
                return null;
            }
            return JSON.readTree(text);
        } catch (Exception e) {
            send(ctx, 400, OpenAiException.body(400, "invalid_request_error", null, "The body is not valid JSON."));
            return null;
        }
    }

    private static void checkFields(JsonNode body, Set<String> allowed) {
        if (!body.isObject()) {
            throw OpenAiException.badRequest(null, "The request body must be a JSON object.");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw OpenAiException.badRequest(f, "Unknown parameter: '" + f + "'.");
            }
        }
    }

    private static void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof OpenAiException oe) {
            send(ctx, oe.status(), oe.body());
        } else {
            Log.errorf(e, "Request failed before generation");
            send(
                    ctx,
                    500,
                    OpenAiException.body(500, "InternalServerError", null, "The request could not be processed."));
        }
    }

    private static void send(RoutingContext ctx, int status, JsonNode body) {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/json")
                    .end(body.toString());
        }
    }

    private static String requestId(RoutingContext ctx) {
        String id = ctx.request().getHeader(HostContract.HEADER_REQUEST_ID);
        if (id == null || !REQUEST_ID.matcher(id).matches()) {
            id = UUID.randomUUID().toString();
        }
        ctx.response().putHeader(HostContract.HEADER_REQUEST_ID, id);
        return id;
    }
}
