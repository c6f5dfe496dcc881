package io.ascendant.gateway.upstream;

import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.dispatch.DispatchPlan;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.platform.RequestIdFilter;
import io.ascendant.modelhost.api.HostContract;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The one client the gateway uses to talk to model hosts, decorated with SmallRye Fault Tolerance.
 *
 * <p><b>Policy.</b> {@link #open} covers only the part of an exchange before the first byte reaches the tenant: for
 * a stream, until the first SSE chunk; for a non-streamed answer, until the whole body (hosts send nothing before it
 * is complete). Inside that window, and only there, failures may be retried, because nothing has been forwarded:
 *
 * <ul>
 *   <li><b>Connect timeout</b> ({@code gateway.upstream.connect-timeout}) on the Vert.x client and <b>first-byte
 *       timeout</b> ({@code first-byte-timeout}) as a timer on the calling event loop inside the per-pod guard: its
 *       {@link TimeoutException} counts toward the pod's breaker like any failure. (The guard's own {@code Timeout}
 *       would wake SmallRye's timer thread on every call, about 70 µs of CPU and a cross-core wake-up per request.)
 *   <li><b>Retry</b> (outer guard): only {@link UpstreamException.Unreachable} (connection refused/reset, connect
 *       timeout), {@link UpstreamException.Unavailable} (503) and {@link UpstreamException.PodAbandoned} (below),
 *       plus a pod whose breaker is open or whose bulkhead is full; each attempt takes the <em>next</em> pod of the
 *       {@link DispatchPlan} that is still in rotation, never the same one, at most {@code max-retries} times.
 *       Timeouts and other 5xx are not retried: the host may have done the work.
 *   <li><b>Failover of waiting attempts</b>: every attempt is registered with its pod ({@link Pod#waiting}) until
 *       it resolves. When the gateway gives up on the pod (health checks fail, {@link
 *       io.ascendant.gateway.dispatch.HostPoller}; its breaker opens) the attempt fails with {@link
 *       UpstreamException.PodAbandoned} and its host connection is reset, and the retry above moves it on: a
 *       paused pod (SIGSTOP, a stalled VM, a network black hole) keeps its connections open and would otherwise hold
 *       the request for the whole first-byte timeout, which is long for CPU prefills.
 *   <li><b>Circuit breaker per pod</b>: opens when {@code breaker-failure-ratio} of the last {@code breaker-window}
 *       calls failed (unreachable, 5xx, timeout); a tenant's 4xx is returned as a normal answer and so never counts.
 *       Open circuits are also filtered out by the dispatcher (state mirrored onto {@link Pod#circuit}).
 *   <li><b>Bulkhead per pod</b> ({@code bulkhead-per-pod}) on concurrent opens; a full pod is skipped for the next.
 *   <li><b>Client gone</b>: when the tenant's client leaves before the answer began, the data path calls {@link
 *       ClientCancellation#cancel}: the attempt fails with {@link UpstreamException.ClientGone} (not retried, not a
 *       breaker failure) and its host connection is reset.
 *   <li><b>Passive ejection</b>: an unreachable pod leaves rotation until its next good health poll ({@link
 *       io.ascendant.gateway.dispatch.HostPoller} does the active part).
 * </ul>
 *
 * After {@link #open} returns, a stream is never retried: mid-stream failures end the tenant's stream with an error
 * event (see {@code io.ascendant.gateway.streaming}).
 */
@ApplicationScoped
public class UpstreamClient {
    /**
     * The guards work on {@code CompletionStage}s rather than Mutiny {@code Uni}s: with a {@code Uni} every guard
     * converts to its own future and back, and each Mutiny stage takes and restores a context-propagation snapshot,
     * which was a tenth of the event loop's work per request. Downstream cancellation is not needed (the guards never
     * passed it on anyway): {@link ClientCancellation} aborts the attempt in progress.
     */
    private static final TypeLiteral<CompletionStage<UpstreamExchange>> EXCHANGE = new TypeLiteral<>() {};

    @Inject
    Vertx vertx;

    @Inject
    DataPathConfig config;

    /** The HTTP clients to the hosts, one per event loop. */
    private EventLoopHttpClients clients;

    private Guard retry;
    private final Map<Pod, Guard> podGuards = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent ev) {
        DataPathConfig.Upstream u = config.upstream();
        clients = new EventLoopHttpClients(vertx, u);
        // Thread offload off: the guarded stage is non-blocking and completes on the event loop; offloading it to a
        // worker pool would add two thread hand-offs to every request.
        retry = Guard.create()
                .withDescription("gateway upstream: retry on another pod")
                .withThreadOffload(false)
                .withRetry()
                .maxRetries(u.maxRetries())
                .delay(0, ChronoUnit.MILLIS)
                .retryOn(List.of(
                        UpstreamException.Unreachable.class,
                        UpstreamException.Unavailable.class,
                        UpstreamException.PodAbandoned.class,
                        CircuitBreakerOpenException.class,
                        BulkheadException.class))
                .done()
                .build();
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (clients != null) {
            clients.close();
        }
    }

    void onPodRemoved(@Observes PodRegistry.PodRemoved ev) {
        podGuards.remove(ev.pod());
    }

    /** Forgets every pod's breaker and bulkhead state (operations and tests; new guards start closed). */
    public void resetGuards() {
        podGuards.keySet().forEach(p -> p.circuit(io.smallrye.faulttolerance.api.CircuitBreakerState.CLOSED));
        podGuards.clear();
    }

    /**
     * Sends {@code call} to the plan's pods in order until one answers with something forwardable.
     *
     * @return the exchange of the pod that answered; fails with {@link UpstreamException.NoPodLeft} (cause: the last
     *     failure), {@link UpstreamException.ServerError} or {@link TimeoutException}
     */
    public CompletionStage<UpstreamExchange> open(UpstreamCall call, DispatchPlan plan) {
        Throwable[] last = new Throwable[1];
        CompletableFuture<UpstreamExchange> result = new CompletableFuture<>();
        retry.get(() -> attempt(call, plan, last), EXCHANGE).whenComplete((exchange, failure) -> {
            if (failure == null) {
                result.complete(exchange);
            } else {
                Throwable t = unwrap(failure);
                result.completeExceptionally(isRetryable(t) ? new UpstreamException.NoPodLeft(t) : t);
            }
        });
        return result;
    }

    /** One attempt, on the plan's next pod, through that pod's breaker and bulkhead. */
    private CompletionStage<UpstreamExchange> attempt(UpstreamCall call, DispatchPlan plan, Throwable[] last) {
        if (call.cancellation().cancelled()) {
            return CompletableFuture.failedFuture(new UpstreamException.ClientGone(null));
        }
        Pod pod = nextInRotation(plan);
        Log.debugf("Upstream attempt on %s (%s)", pod, call.requestId());
        if (pod == null) {
            return CompletableFuture.failedFuture(new UpstreamException.NoPodLeft(last[0]));
        }
        // In-flight accounting from the first attempt on; the caller releases after success.
        pod.acquire(plan.tokens());
        CompletableFuture<UpstreamExchange> outcome = new CompletableFuture<>();
        guardOf(pod).get(() -> send(pod, call), EXCHANGE).whenComplete((exchange, failure) -> {
            if (failure == null) {
                outcome.complete(exchange);
            } else {
                Throwable t = unwrap(failure);
                last[0] = t;
                pod.release(plan.tokens());
                outcome.completeExceptionally(t);
            }
        });
        return outcome;
    }

    /**
     * The plan's next pod still in rotation, or null when none is left: one that left it since the plan was made (a
     * retry may come minutes later) is passed over.
     */
    private Pod nextInRotation(DispatchPlan plan) {
        int unhealthyAfter = config.upstream().unhealthyAfter();
        Pod pod = plan.nextPod();
        while (pod != null && !pod.inRotation(unhealthyAfter)) {
            pod = plan.nextPod();
        }
        return pod;
    }

    /** The failure itself, without the {@link CompletionException} a dependent stage wraps it in. */
    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isRetryable(Throwable t) {
        return t instanceof UpstreamException.Unreachable
                || t instanceof UpstreamException.Unavailable
                || t instanceof UpstreamException.PodAbandoned
                || t instanceof CircuitBreakerOpenException
                || t instanceof BulkheadException;
    }

    private Guard guardOf(Pod pod) {
        return podGuards.computeIfAbsent(pod, p -> {
            DataPathConfig.Upstream u = config.upstream();
            return Guard.create()
                    .withDescription("gateway upstream pod " + p)
                    .withThreadOffload(false)
                    .withCircuitBreaker()
                    .requestVolumeThreshold(u.breakerWindow())
                    .failureRatio(u.breakerFailureRatio())
                    .delay(u.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(1)
                    .skipOn(List.of(BulkheadException.class, UpstreamException.ClientGone.class))
                    .onStateChange(p::circuit)
                    .done()
                    .withBulkhead()
                    .limit(u.bulkheadPerPod())
                    .queueSize(1)
                    .done()
                    .build();
        });
    }

    /** One attempt against one pod, resolved at the first forwardable byte. */
    private CompletionStage<UpstreamExchange> send(Pod pod, UpstreamCall call) {
        CompletableFuture<UpstreamExchange> outcome = new CompletableFuture<>();
        AtomicBoolean done = new AtomicBoolean();
        HttpClientRequest[] sent = new HttpClientRequest[1];
        long firstByteMillis = config.upstream().firstByteTimeout().toMillis();
        long firstByteTimer = vertx.setTimer(firstByteMillis, id -> {
            if (fail(outcome, done, firstByteTimeout(firstByteMillis)) && sent[0] != null) {
                sent[0].reset(); // the host may still be working on it: stop that
            }
        });
        // Given up by the poller's or another request's thread: the attempt fails later, on its own event loop.
        Context ctx = vertx.getOrCreateContext();
        Pod.WaitingAttempt waiting = reason -> ctx.runOnContext(v -> {
            if (fail(outcome, done, new UpstreamException.PodAbandoned(pod, reason)) && sent[0] != null) {
                sent[0].reset(); // a pod that comes back must not go on with a request retried elsewhere
            }
        });
        pod.waiting(waiting);
        call.cancellation().onAbort(() -> {
            if (fail(outcome, done, new UpstreamException.ClientGone(pod)) && sent[0] != null) {
                sent[0].reset(); // the host sees the connection go and stops generating
            }
        });
        outcome.whenComplete((exchange, failure) -> {
            vertx.cancelTimer(firstByteTimer);
            pod.answered(waiting);
        });
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(pod.host())
                .setPort(pod.port())
                .setSsl(pod.ssl())
                .setURI(call.path())
                .setIdleTimeout(
                        call.stream()
                                ? config.upstream().streamIdleTimeout().toMillis()
                                : config.upstream().firstByteTimeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("accept", call.stream() ? "text/event-stream" : "application/json")
                .putHeader(HostContract.HEADER_REQUEST_ID, call.requestId())
                .putHeader(RequestIdFilter.GATEWAY_HEADER, call.gatewayRequestId());
        clients.current().request(options).onComplete(ar -> {
            if (ar.failed()) {
                pod.ejectUntilHealthy();
                fail(outcome, done, new UpstreamException.Unreachable(pod, ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            sent[0] = req;
            if (done.get()) {
                req.reset();
                return;
            }
            req.response().onComplete(rar -> {
                if (rar.failed()) {
                    // The request's idle timeout equals the first-byte timeout of the guard: whichever fires
                    // first, a host that sent nothing in time is a timeout (504), not an unreachable host (502).
                    fail(
                            outcome,
                            done,
                            rar.cause() instanceof java.util.concurrent.TimeoutException
                                    ? firstByteTimeout(firstByteMillis)
                                    : new UpstreamException.Unreachable(pod, rar.cause(), true));
                    return;
                }
                onResponse(pod, call, req, rar.result(), outcome, done);
            });
            req.end(call.body()).onComplete(written -> {
                if (written.succeeded()) {
                    call.cancellation().delivered(pod);
                } else {
                    fail(outcome, done, new UpstreamException.Unreachable(pod, written.cause(), true));
                }
            });
        });
        return outcome;
    }

    private void onResponse(
            Pod pod,
            UpstreamCall call,
            HttpClientRequest req,
            HttpClientResponse resp,
            CompletableFuture<UpstreamExchange> outcome,
            AtomicBoolean done) {
        Log.debugf("Host %s answered %d", pod, resp.statusCode());
        int status = resp.statusCode();
        if (status == 503) {
            resp.body().onComplete(ignored -> fail(outcome, done, new UpstreamException.Unavailable(pod)));
            return;
        }
        if (status >= 500) {
            resp.body().onComplete(ignored -> fail(outcome, done, new UpstreamException.ServerError(pod, status)));
            return;
        }
        if (status != 200 || !call.stream()) {
            resp.body().onComplete(b -> {
                if (b.failed()) {
                    fail(outcome, done, new UpstreamException.Unreachable(pod, b.cause(), true));
                } else if (done.compareAndSet(false, true)) {
                    outcome.complete(new UpstreamExchange(pod, status, resp.headers(), b.result(), null, null, true));
                }
            });
            return;
        }
        // Stream: resolve at the first chunk; a tap holds whatever follows until the relay attaches.
        resp.handler(chunk -> {
            StreamTap t = new StreamTap(resp);
            if (done.compareAndSet(false, true)) {
                outcome.complete(new UpstreamExchange(pod, status, resp.headers(), chunk, req, t, false));
            }
        });
        resp.endHandler(v -> {
            if (done.compareAndSet(false, true)) {
                outcome.complete(new UpstreamExchange(pod, status, resp.headers(), Buffer.buffer(), req, null, true));
            }
        });
        resp.exceptionHandler(t -> fail(outcome, done, new UpstreamException.Unreachable(pod, t, true)));
    }

    private static TimeoutException firstByteTimeout(long millis) {
        return new TimeoutException("The model host sent no response within " + millis + " ms");
    }

    /** Fails the attempt unless it already ended; true when this call ended it. */
    private static boolean fail(CompletableFuture<UpstreamExchange> outcome, AtomicBoolean done, Throwable t) {
        if (done.compareAndSet(false, true)) {
            outcome.completeExceptionally(t);
            return true;
        }
        return false;
    }
}
