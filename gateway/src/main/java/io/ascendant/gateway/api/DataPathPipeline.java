package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.admission.AdmissionControl;
import io.ascendant.gateway.admission.AdmissionRequest;
import io.ascendant.gateway.admission.AdmissionTicket;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.dispatch.DispatchPlan;
import io.ascendant.gateway.dispatch.Dispatcher;
import io.ascendant.gateway.dispatch.PoolContextWindows;
import io.ascendant.gateway.dispatch.PrefixHasher;
import io.ascendant.gateway.error.ErrorRenderer;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.metering.UsageSink;
import io.ascendant.gateway.platform.ConnectionClose;
import io.ascendant.gateway.platform.RequestIdFilter;
import io.ascendant.gateway.streaming.LiveStreams;
import io.ascendant.gateway.streaming.StreamRelay;
import io.ascendant.gateway.upstream.ClientCancellation;
import io.ascendant.gateway.upstream.UpstreamCall;
import io.ascendant.gateway.upstream.UpstreamClient;
import io.ascendant.gateway.upstream.UpstreamExchange;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.tenancy.apikey.ApiKeyScope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.ClientProxy;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.MDC;

/**
 * The data path of one tenant request, on its event loop from first byte to usage record:
 *
 * <pre>
 * request id -> content type and content coding (415) -> body with limit (413) -> caller (401) -> JSON (400)
 * -> protocol validation (400/404) -> prompt tokens counted once -> context window (400) -> price in force (403)
 * -> admission (429) -> dispatch (503/429) -> upstream open with retries -> answer or stream -> one usage record
 * -> admission settle
 * </pre>
 *
 * The prompt is counted by {@link PromptCounting}. Spans: {@code gateway.authenticate}, {@code gateway.admission},
 * {@code gateway.dispatch}, {@code gateway.upstream} (children of the HTTP server span). Nothing here blocks: a
 * request ends in {@link RequestSettlement}, and ledger writes happen in {@link UsageSink}.
 */
@ApplicationScoped
public class DataPathPipeline {
    private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey("ascendant.tenant_id");
    private static final AttributeKey<String> POD = AttributeKey.stringKey("ascendant.host_pod");
    private static final AttributeKey<String> ACCELERATOR = AttributeKey.stringKey("ascendant.accelerator");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("ascendant.request_id");
    private static final AttributeKey<String> CLIENT_REQUEST_ID = AttributeKey.stringKey("ascendant.client_request_id");

    @Inject
    DataPathConfig config;

    @Inject
    Dispatcher dispatcher;

    @Inject
    UpstreamClient upstream;

    @Inject
    AdmissionControl admission;

    @Inject
    RequestSettlement settlement;

    @Inject
    TokenCounter tokenCounter;

    @Inject
    PromptCounting prompts;

    @Inject
    PriceInForce prices;

    @Inject
    Tracer tracer;

    @Inject
    LiveStreams liveStreams;

    @Inject
    PoolContextWindows contextWindows;

    /**
     * An ArC client proxy looks its bean's instance up in the application context on every call: several calls per
     * request, a few percent of the event loop's work. These beans are application-scoped (or singletons) and live as
     * long as this one, so the data path calls their instances directly.
     */
    @PostConstruct
    void callInstancesDirectly() {
        dispatcher = ClientProxy.unwrap(dispatcher);
        upstream = ClientProxy.unwrap(upstream);
        admission = ClientProxy.unwrap(admission);
        settlement = ClientProxy.unwrap(settlement);
        tokenCounter = ClientProxy.unwrap(tokenCounter);
        prompts = ClientProxy.unwrap(prompts);
        prices = ClientProxy.unwrap(prices);
        tracer = ClientProxy.unwrap(tracer);
        liveStreams = ClientProxy.unwrap(liveStreams);
        contextWindows = ClientProxy.unwrap(contextWindows);
    }

    /** Serves one request of the given protocol. */
    public void handle(RoutingContext rc, TenantProtocol protocol) {
        HttpServerRequest req = rc.request();
        HttpServerResponse resp = rc.response();
        // The gateway's own id keys the usage row, the quota holds and the journal; the client's x-request-id is
        // only echoed, logged, sent to the host and stored with the usage row (clients reuse it freely).
        RequestState st = new RequestState(RequestIds.gatewayId(rc), RequestIds.clientId(rc));
        st.counter = tokenCounter;
        resp.putHeader(HostContract.HEADER_REQUEST_ID, st.correlationId());
        resp.putHeader(RequestIdFilter.GATEWAY_HEADER, st.requestId);
        MDC.put(RequestIdFilter.MDC_KEY, st.correlationId());
        MDC.put(RequestIdFilter.GATEWAY_MDC_KEY, st.requestId);
        Span.current().setAttribute(REQUEST_ID, st.requestId);
        if (st.clientRequestId != null) {
            Span.current().setAttribute(CLIENT_REQUEST_ID, st.clientRequestId);
        }
        boolean anthropic = protocol.anthropicErrors();
        try {
            TenantCaller caller = authenticate(rc);
            st.caller = caller;
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
            Context ctx = Vertx.currentContext();
            RequestBodies.read(rc, limit).onComplete(ar -> {
                if (ar.failed()) {
                    fail(rc, st, ar.cause(), anthropic);
                    return;
                }
                Buffer raw = ar.result();
                Runnable counted = () -> checkContextThenAdmit(rc, st, protocol, ctx);
                if (ctx != null && raw.length() > config.limits().workerParseOverBytes()) {
                    prompts.prepareOnWorker(st, protocol, ctx, raw, counted, e -> fail(rc, st, e, anthropic));
                    return;
                }
                try {
                    ObjectNode body = Json.parseObject(raw);
                    st.prepared = protocol.prepare(body, caller);
                    prompts.count(st, ctx, counted, e -> fail(rc, st, e, anthropic));
                } catch (RuntimeException e) {
                    fail(rc, st, e, anthropic);
                }
            });
        } catch (RuntimeException e) {
            fail(rc, st, e, anthropic);
        }
    }

    private TenantCaller authenticate(RoutingContext rc) {
        Span span = tracer.spanBuilder("gateway.authenticate").startSpan();
        try {
            SecurityIdentity identity = null;
            if (rc.user() instanceof QuarkusHttpUser user) {
                identity = user.getSecurityIdentity();
            }
            TenantCaller caller;
            try {
                caller = CallerResolver.resolve(identity, ApiKeyScope.INFERENCE, rc.normalizedPath());
            } catch (GatewayException e) {
                span.setStatus(StatusCode.ERROR, e.status() == 401 ? "unauthenticated" : "insufficient scope");
                throw e;
            }
            span.setAttribute(TENANT, caller.tenantId().toString());
            return caller;
        } finally {
            span.end();
        }
    }

    /** With {@link RequestState#promptTokens} counted: checks context window and price (before any hold), admits. */
    private void checkContextThenAdmit(RoutingContext rc, RequestState st, TenantProtocol protocol, Context ctx) {
        PreparedRequest p = st.prepared.withContextWindow(contextWindows.effective(st.prepared.route()));
        st.prepared = ContextWindow.fit(p, st.promptTokens, protocol.anthropicErrors());
        prices.check(st, ctx, () -> admit(rc, st, protocol, ctx), e -> fail(rc, st, e, protocol.anthropicErrors()));
    }

    private void admit(RoutingContext rc, RequestState st, TenantProtocol protocol, Context ctx) {
        PreparedRequest p = st.prepared;
        long promptTokens = st.promptTokens;
        Span span = tracer.spanBuilder("gateway.admission")
                .setAttribute(MODEL, p.route().publicName())
                .startSpan();
        Uni<AdmissionTicket> admitted;
        try {
            admitted = admission.admit(new AdmissionRequest(
                    st.requestId,
                    st.caller.tenantId(),
                    st.caller.projectId(),
                    st.caller.keyId(),
                    p.route().publicName(),
                    p.route().priceTier(),
                    promptTokens,
                    p.maxOutputTokens(),
                    null, // counted already: admission takes promptTokens as they are
                    st.startedAt,
                    p.defaultOutputLimit(),
                    p.outputLimitParam()));
        } catch (RuntimeException e) {
            span.end();
            fail(rc, st, e, protocol.anthropicErrors());
            return;
        }
        admitted.subscribe()
                .with(
                        ticket -> RequestContexts.onContext(ctx, () -> {
                            span.end();
                            st.ticket = ticket;
                            if (rc.response().closed() || rc.response().ended()) {
                                // The client left while admission waited (e.g. for the database), or the
                                // connection was answered and is closing: no dispatch, the slots go back.
                                settlement.finish(st, UsageStatus.CANCELLED);
                                return;
                            }
                            try {
                                ticket.responseHeaders().forEach(rc.response()::putHeader);
                                dispatch(rc, st, protocol, ctx, promptTokens);
                            } catch (RuntimeException e) {
                                fail(rc, st, e, protocol.anthropicErrors()); // ends the request: the ticket is released
                            }
                        }),
                        failure -> RequestContexts.onContext(ctx, () -> {
                            span.setStatus(StatusCode.ERROR, "refused");
                            span.end();
                            fail(rc, st, failure, protocol.anthropicErrors());
                        }));
    }

    private void dispatch(RoutingContext rc, RequestState st, TenantProtocol protocol, Context ctx, long promptTokens) {
        PreparedRequest p = st.prepared;
        boolean anthropic = protocol.anthropicErrors();
        DispatchPlan plan;
        Span span = tracer.spanBuilder("gateway.dispatch")
                .setAttribute(MODEL, p.route().publicName())
                .startSpan();
        try {
            DataPathConfig.Dispatch d = config.dispatch();
            long[] hashes = PrefixHasher.hashes(
                    p.route().upstreamModel(), p.promptText(), d.prefixBlockChars(), d.prefixMaxBlocks());
            plan = dispatcher.plan(p.route(), hashes, promptTokens + Math.min(p.maxOutputTokens(), 8192));
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            span.end();
            st.dispatched = true;
            fail(rc, st, e, anthropic);
            return;
        }
        span.end();
        st.dispatched = true;
        Span upstreamSpan = tracer.spanBuilder("gateway.upstream")
                .setAttribute(MODEL, p.route().publicName())
                .startSpan();
        ClientCancellation cancellation = new ClientCancellation();
        st.cancellation = cancellation;
        UpstreamCall call = new UpstreamCall(
                p.hostPath(), Json.buffer(p.hostBody()), p.stream(), st.correlationId(), st.requestId, cancellation);
        UnansweredRequest unanswered = new UnansweredRequest(rc, st, ctx, cancellation, settlement, anthropic);
        liveStreams.awaitingAnswer(unanswered); // shutdown ends it if the host has not answered by then
        boolean[] pending = {true}; // read and written on this request's event loop only
        rc.response().closeHandler(v -> {
            if (pending[0] && !st.finished.get()) {
                // Client left before the first byte: abort the host call (reset, so the host stops generating).
                cancellation.cancel();
                settlement.finish(st, UsageStatus.CANCELLED);
            }
        });
        upstream.open(call, plan)
                .whenComplete((exchange, failure) -> RequestContexts.onContext(ctx, () -> {
                    pending[0] = false;
                    liveStreams.answered(unanswered);
                    if (failure == null) {
                        opened(rc, st, protocol, plan, exchange, upstreamSpan);
                        return;
                    }
                    upstreamSpan.setStatus(StatusCode.ERROR, failure.getMessage());
                    upstreamSpan.end();
                    if (cancellation.cancelled()) {
                        return; // the client is gone and the request already ended CANCELLED
                    }
                    fail(rc, st, UpstreamFailures.toGatewayException(failure, p), anthropic);
                }));
    }

    /** A pod answered: the first chunk of a stream, or a whole non-streamed answer. */
    private void opened(
            RoutingContext rc,
            RequestState st,
            TenantProtocol protocol,
            DispatchPlan plan,
            UpstreamExchange exchange,
            Span upstreamSpan) {
        st.pod = exchange.pod();
        st.podTokens = plan.tokens();
        exchange.pod().prefixIndex().addAll(plan.prefixHashes());
        upstreamSpan.setAttribute(POD, exchange.pod().baseUrl());
        upstreamSpan.setAttribute(ACCELERATOR, exchange.pod().accelerator().name());
        if (st.finished.get()) {
            exchange.pod().release(plan.tokens());
            if (exchange.request() != null) {
                exchange.request().reset();
            }
            upstreamSpan.end();
            return;
        }
        answer(rc, st, protocol, exchange, upstreamSpan);
    }

    private void answer(
            RoutingContext rc, RequestState st, TenantProtocol protocol, UpstreamExchange exchange, Span span) {
        HttpServerResponse resp = rc.response();
        if (exchange.status() == 200 && st.prepared.stream()) {
            new StreamRelay(
                            rc,
                            st,
                            protocol.transcoder(st),
                            exchange,
                            () -> {
                                span.end();
                            },
                            liveStreams)
                    .start(
                            settlement::finish,
                            config.upstream().streamIdleTimeout().toMillis());
            return;
        }
        try {
            Buffer body = protocol.respond(st, exchange);
            resp.setStatusCode(exchange.status()).putHeader("content-type", "application/json");
            // The answer's last byte leaves only once its usage is safe (journalled, or committed by the ledger).
            Context ctx = Vertx.currentContext();
            settlement
                    .finish(st, exchange.status() == 200 ? UsageStatus.COMPLETED : UsageStatus.FAILED)
                    .whenComplete((v, t) -> RequestContexts.onContext(ctx, () -> {
                        if (!resp.ended() && !resp.closed()) {
                            resp.end(body);
                        }
                    }));
        } catch (RuntimeException e) {
            fail(rc, st, e, protocol.anthropicErrors());
        } finally {
            span.end();
        }
    }

    private void fail(RoutingContext rc, RequestState st, Throwable t, boolean anthropic) {
        HttpServerResponse resp = rc.response();
        GatewayException e;
        if (t instanceof GatewayException g) {
            e = g;
        } else {
            RequestFailureLog.unexpected(st, resp, t);
            e = new GatewayException.UpstreamFailure(502, "The request could not be completed.", "gateway_error");
        }
        try {
            // An answer already on its way (or a connection already gone) cannot take an error: just end the request.
            if (!resp.headWritten() && !resp.closed()) {
                if (e instanceof GatewayException.PayloadTooLarge) {
                    ConnectionClose.afterAnswer(rc);
                }
                ErrorRenderer.send(resp, e, anthropic);
            }
        } finally {
            settlement.finish(
                    st, UsageStatus.FAILED); // whatever happened to the answer, the slots and the usage are settled
        }
    }
}
