package io.ascendant.gateway.dispatch;

import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.modelhost.api.HostLoad;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Active health checking, load sampling and model-card reading of every pod. Three periodic timers on the event loop:
 * every {@code gateway.upstream.metrics-interval} (100 ms) a {@code GET /metrics} per pod refreshes its
 * {@link HostLoad}; every {@code gateway.upstream.health-interval} (1 s) a {@code GET /health} per pod updates
 * readiness; every {@code gateway.upstream.model-card-interval} (30 s) a {@code GET /v1/models} per pod refreshes the
 * context window it serves ({@link Pod#maxModelLen()}, read by {@link PoolContextWindows}). A new pod that answers its
 * health check is asked for its model card first and becomes ready when that answer (or failure) is in, so that no
 * request reaches it before the gateway knows its window; a pod back after failed health checks (perhaps restarted
 * with another window) is asked again as it becomes ready, without waiting for the answer. At most one metrics and
 * one model-card poll per pod is in flight; a slow pod simply gets stale metrics, which dispatch treats as
 * saturation, and keeps the window it reported last. A model-card read that gets no answer is made again at each of
 * the pod's good health checks until one answers, so that a window that changed is not missed for 30 s. Polls use
 * their own small connection pool so that they never queue behind tenant traffic.
 *
 * <p>A failed health poll that leaves a pod not ready ({@code unhealthy-after} failures in a row, or a pod already
 * ejected) also fails over the requests still waiting for that pod's first byte ({@link Pod#abandonWaiting}): a
 * paused or black-holed pod keeps its connections open, and without this they would wait out the first-byte timeout.
 *
 * <p><b>One pod never stops a round.</b> The HTTP client may throw while starting a request instead of failing its
 * future (it is closed, or rejects that pod's address). Such a poll fails like one that got no answer, for that pod
 * only: its load sample goes stale, its health check counts as failed, its window is kept. The other pods of the
 * round are polled as usual. It is logged once when a pod's polls start failing so and once when they start again,
 * not every 100 ms.
 */
@ApplicationScoped
public class HostPoller {

    @Inject
    Vertx vertx;

    @Inject
    DataPathConfig config;

    @Inject
    PodRegistry registry;

    /** Package-private so that a test can put a client in front of it that refuses to start some requests. */
    HttpClient client;

    private long metricsTimer = -1;
    private long healthTimer = -1;
    private long modelCardTimer = -1;

    void onStart(@Observes StartupEvent ev) {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(2)
                .setKeepAlive(true)
                .setConnectTimeout((int) config.upstream().connectTimeout().toMillis())
                .setIdleTimeout(30)
                .setName("gateway-host-poller"));
        metricsTimer = vertx.setPeriodic(
                Math.max(10, config.upstream().metricsInterval().toMillis()), id -> pollMetrics());
        healthTimer = vertx.setPeriodic(
                Math.max(10, config.upstream().healthInterval().toMillis()), id -> pollHealth());
        modelCardTimer = vertx.setPeriodic(
                Math.max(10, config.upstream().modelCardInterval().toMillis()), id -> pollModelCards());
        pollHealth();
    }

    void onStop(@Observes ShutdownEvent ev) {
        vertx.cancelTimer(metricsTimer);
        vertx.cancelTimer(healthTimer);
        vertx.cancelTimer(modelCardTimer);
        if (client != null) {
            client.close();
        }
    }

    /** Polls the health of every pod now (tests use it to avoid waiting for the interval). */
    public void pollHealthNow() {
        pollHealth();
    }

    /** Asks every pod for its model card now (tests use it to avoid waiting for the interval). */
    public void pollModelCardsNow() {
        pollModelCards();
    }

    void pollMetrics() {
        long timeout = Math.max(50, config.upstream().metricsInterval().toMillis() * 5);
        for (Pod pod : registry.all()) {
            if (!pod.pollsInFlight.compareAndSet(0, 1)) {
                continue;
            }
            get(pod, HostContract.METRICS, timeout)
                    .compose(resp -> resp.statusCode() == 200
                            ? resp.body()
                            : io.vertx.core.Future.failedFuture("status " + resp.statusCode()))
                    .onComplete(ar -> {
                        pod.pollsInFlight.set(0);
                        if (ar.succeeded()) {
                            HostLoad load = HostLoad.parsePrometheus(ar.result().toString());
                            if (load.complete()) {
                                pod.load(load, System.nanoTime());
                            }
                        }
                    });
        }
    }

    private void pollHealth() {
        long timeout = Math.max(100, config.upstream().healthInterval().toMillis());
        int unhealthyAfter = config.upstream().unhealthyAfter();
        for (Pod pod : registry.all()) {
            get(pod, HostContract.HEALTH, timeout).onComplete(ar -> {
                if (ar.succeeded() && ar.result().statusCode() == 200) {
                    if (!pod.modelCardRead()) {
                        pollModelCard(pod, pod::healthOk); // its window is known before it takes requests
                    } else {
                        if (!pod.ready(unhealthyAfter)) {
                            pollModelCard(pod, null); // back after failed checks: perhaps restarted
                        } else if (pod.modelCardUnanswered) {
                            pollModelCard(pod, null); // the last read got no answer: its window may be stale
                        }
                        pod.healthOk();
                    }
                } else {
                    pod.healthFailed();
                    if (!pod.ready(unhealthyAfter)) {
                        // Requests already sent would wait out the first-byte timeout on a pod that no
                        // longer answers: fail them over. Repeated on every failed poll, which also takes
                        // the pod's attempts that began just before it left rotation.
                        pod.abandonWaiting("its health checks fail");
                    }
                }
                if (ar.succeeded()) {
                    ar.result().body(); // drain so the connection returns to the pool
                }
            });
        }
    }

    private void pollModelCards() {
        for (Pod pod : registry.all()) {
            pollModelCard(pod, null);
        }
    }

    /**
     * Reads one pod's {@code max_model_len} from its {@code GET /v1/models}: a 200 sets what its card says (a card
     * without one imposes nothing), a 404 (a host without model cards) clears it, another status or no answer keeps
     * the last value (a passing failure must not lift the limit) and is tried again at the pod's next good health
     * check, not only at the next periodic read: the host may have restarted with a smaller window, which would
     * otherwise be missed for up to {@code model-card-interval} (30 s). Then runs {@code then} (if any), whatever the
     * outcome. When a read of this pod is already in flight, this one is not sent: the pod is read once more after
     * it ends (the read in flight may have started before the host restarted with another window), and
     * {@code then} is dropped (the next health round asks again).
     */
    private void pollModelCard(Pod pod, Runnable then) {
        if (!pod.modelCardPollInFlight.compareAndSet(false, true)) {
            pod.modelCardPollAgain.set(true);
            if (pod.modelCardPollInFlight.compareAndSet(false, true)) {
                pod.modelCardPollAgain.set(false); // the read in flight ended meanwhile: this is the read again
            } else {
                Log.debugf("Model card of pod %s: a read is in flight, reading again after it", pod);
                return;
            }
        }
        long timeout = Math.max(1000, config.upstream().healthInterval().toMillis());
        get(pod, HostContract.MODELS, timeout)
                .compose(resp -> resp.body().map(body -> switch (resp.statusCode()) {
                    case 200 -> ModelCards.maxModelLen(body);
                    case 404 -> 0L;
                    default -> -1L; // keep
                }))
                .onComplete(ar -> {
                    pod.modelCardPollInFlight.set(false);
                    boolean answered = ar.succeeded() && ar.result() >= 0;
                    if (answered) {
                        pod.maxModelLen(ar.result());
                    }
                    pod.modelCardUnanswered = !answered;
                    Log.debugf(
                            "Model card of pod %s: %s",
                            pod,
                            answered
                                    ? "max_model_len " + ar.result()
                                    : ar.failed()
                                            ? "no answer (" + ar.cause().getMessage() + ")"
                                            : "unexpected status");
                    pod.modelCardRead(true);
                    if (then != null) {
                        then.run();
                    }
                    if (pod.modelCardPollAgain.getAndSet(false)) {
                        pollModelCard(pod, null);
                    }
                });
    }

    /**
     * Sends {@code GET path} to one pod. Never throws: a request the client refuses to start is a failed future (see
     * the class comment), logged once per spell of such failures of the pod.
     */
    private Future<HttpClientResponse> get(Pod pod, String path, long timeoutMs) {
        Future<HttpClientRequest> request;
        try {
            request = client.request(options(pod, path, timeoutMs));
        } catch (RuntimeException e) {
            if (pod.pollCannotStart.compareAndSet(false, true)) {
                Log.warnf(
                        "Pod %s of pool %s cannot be polled (%s): it counts as not answering until it can; the"
                                + " other pods are polled as usual",
                        pod,
                        pod.poolName(),
                        e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            }
            return Future.failedFuture(e);
        }
        if (pod.pollCannotStart.compareAndSet(true, false)) {
            Log.infof("Pod %s of pool %s can be polled again", pod, pod.poolName());
        }
        return request.compose(HttpClientRequest::send);
    }

    private static RequestOptions options(Pod pod, String path, long timeoutMs) {
        return new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(pod.host())
                .setPort(pod.port())
                .setSsl(pod.ssl())
                .setURI(path)
                .setTimeout(timeoutMs);
    }
}
