package io.ascendant.gateway.dispatch;

import io.ascendant.gateway.catalogue.Accelerator;
import io.ascendant.gateway.catalogue.EndpointUrls;
import io.ascendant.modelhost.api.HostLoad;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.net.URI;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live state of one model-host endpoint: health from active polling, load from its {@code /metrics}, the gateway's
 * own in-flight accounting, the circuit state of its breaker and its prefix index.
 *
 * <p>Threading: fields are written by the poller (event loop) and the upstream client, read on the request path;
 * all are volatile or atomic.
 *
 * <p><b>Requests waiting for their first byte.</b> The upstream client registers every attempt sent here as a {@link
 * WaitingAttempt} and removes it when the attempt resolves (first forwardable byte, or failure). When the gateway
 * gives up on the pod (its health polls fail, its circuit opens), {@link #abandonWaiting} fails them all, so they move
 * to another pod instead of waiting out the first-byte timeout on a pod that no longer answers. Streams already
 * relaying are not in the set and are never touched. The set is a concurrent one: an attempt costs one insert and
 * one removal, no lock of the pod.
 */
public final class Pod {
    private final String poolName;
    private final String baseUrl;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final Accelerator accelerator;
    private final PrefixIndex prefixIndex;

    private volatile boolean draining;
    private volatile boolean removed;
    private volatile boolean everHealthy;
    private volatile int failedHealthPolls;
    private volatile HostLoad load = new HostLoad(-1, -1, -1);
    private volatile long loadSampledAtNanos = Long.MIN_VALUE;
    private volatile CircuitBreakerState circuit = CircuitBreakerState.CLOSED;
    private volatile long circuitOpenedAtNanos;
    /** {@code max_model_len} from the pod's {@code GET /v1/models}; 0 while it reported none. */
    private volatile long maxModelLen;
    /** Set once a model-card poll of the pod ended (answered or not). */
    private volatile boolean modelCardRead;

    private final AtomicLong inFlightTokens = new AtomicLong();
    private final AtomicInteger inFlightRequests = new AtomicInteger();
    final AtomicInteger pollsInFlight = new AtomicInteger();
    private final Set<WaitingAttempt> waiting = ConcurrentHashMap.newKeySet();

    /**
     * An attempt sent to a pod that has not forwarded a first byte to its client yet. Identity is the object's own:
     * one instance per attempt.
     */
    @FunctionalInterface
    public interface WaitingAttempt {
        /**
         * The gateway gave up on the pod: fail the attempt (it may be retried on another pod). Called at most once, on
         * the thread that gave up (a poller's or another request's event loop), so an implementation hands the work
         * to its own request's context.
         *
         * @param reason why the pod was given up, for logs (e.g. {@code "its health checks fail"})
         */
        void podAbandoned(String reason);
    }

    final AtomicBoolean modelCardPollInFlight = new AtomicBoolean();
    /** A model-card read was asked for while one was in flight: read again when it ends. */
    final AtomicBoolean modelCardPollAgain = new AtomicBoolean();
    /**
     * The last model-card read got no answer that says the window (no answer, or a status other than 200 and 404):
     * the poller reads again at the next good health check. Written and read by the poller only.
     */
    volatile boolean modelCardUnanswered;
    /** The poller's last request to this pod could not even be started (logged once per spell). */
    final AtomicBoolean pollCannotStart = new AtomicBoolean();

    /**
     * @param baseUrl {@code http(s)://host:port}
     * @throws IllegalArgumentException when {@code baseUrl} breaks {@link EndpointUrls}' rule (the message says how):
     *     a pod always has a host and a port of 1-65535
     */
    public Pod(String poolName, String baseUrl, Accelerator accelerator, int prefixEntries) {
        EndpointUrls.problem("baseUrl", baseUrl).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        this.poolName = poolName;
        this.baseUrl = baseUrl;
        URI uri = URI.create(baseUrl);
        this.ssl = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (ssl ? 443 : 80);
        this.accelerator = accelerator;
        this.prefixIndex = new PrefixIndex(prefixEntries);
    }

    public String poolName() {
        return poolName;
    }

    /** The endpoint's base URL; also its identity in usage records ({@code hostPod}). */
    public String baseUrl() {
        return baseUrl;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean ssl() {
        return ssl;
    }

    public Accelerator accelerator() {
        return accelerator;
    }

    public PrefixIndex prefixIndex() {
        return prefixIndex;
    }

    public boolean draining() {
        return draining;
    }

    void draining(boolean draining) {
        this.draining = draining;
    }

    public boolean removed() {
        return removed;
    }

    void markRemoved() {
        this.removed = true;
    }

    /**
     * In rotation: ready, not draining, not removed (the dispatcher's filter without the circuit, which the pod's
     * breaker enforces itself).
     */
    public boolean inRotation(int unhealthyThreshold) {
        return !removed && !draining && ready(unhealthyThreshold);
    }

    /** Ready: answered its health check at least once and has not failed {@code threshold} in a row since. */
    public boolean ready(int unhealthyThreshold) {
        return everHealthy && failedHealthPolls < unhealthyThreshold;
    }

    void healthOk() {
        everHealthy = true;
        failedHealthPolls = 0;
    }

    void healthFailed() {
        failedHealthPolls++;
    }

    /** Passive ejection: a connection failure takes the pod out of rotation until its next good health poll. */
    public void ejectUntilHealthy() {
        failedHealthPolls = Integer.MAX_VALUE / 2;
    }

    /**
     * The context window the pod reported in its model card ({@code max_model_len} of {@code GET /v1/models}, the
     * smallest when it lists several models), in tokens; empty when it reported none or was not asked yet.
     */
    public OptionalLong maxModelLen() {
        long len = maxModelLen;
        return len > 0 ? OptionalLong.of(len) : OptionalLong.empty();
    }

    /** Whether a poll of the pod's model card has ended (whatever its outcome): until then it is not made ready. */
    boolean modelCardRead() {
        return modelCardRead;
    }

    void modelCardRead(boolean read) {
        this.modelCardRead = read;
    }

    /** @param tokens the reported window, or 0 when the pod's model card has none */
    void maxModelLen(long tokens) {
        this.maxModelLen = Math.max(0, tokens);
    }

    public HostLoad load() {
        return load;
    }

    /** Age of the last load sample in nanoseconds ({@link Long#MAX_VALUE} before the first). */
    public long loadAgeNanos(long nowNanos) {
        long at = loadSampledAtNanos;
        return at == Long.MIN_VALUE ? Long.MAX_VALUE : nowNanos - at;
    }

    void load(HostLoad load, long nowNanos) {
        this.load = load;
        this.loadSampledAtNanos = nowNanos;
    }

    public CircuitBreakerState circuit() {
        return circuit;
    }

    /** Called by the pod's circuit breaker on every state change; an opening abandons the waiting attempts. */
    public void circuit(CircuitBreakerState state) {
        if (state == CircuitBreakerState.OPEN) {
            circuitOpenedAtNanos = System.nanoTime();
        }
        this.circuit = state;
        if (state == CircuitBreakerState.OPEN) {
            abandonWaiting("its circuit breaker opened");
        }
    }

    /** Registers an attempt sent to this pod until {@link #answered} (or {@link #abandonWaiting}). */
    public void waiting(WaitingAttempt attempt) {
        waiting.add(attempt);
    }

    /** The attempt resolved (first forwardable byte or failure): it is no longer this pod's to abandon. */
    public void answered(WaitingAttempt attempt) {
        waiting.remove(attempt);
    }

    /** Attempts sent here that have not resolved yet. */
    public int waitingAttempts() {
        return waiting.size();
    }

    /**
     * Fails every attempt still waiting for this pod's first byte, each exactly once (one that resolves meanwhile
     * is skipped). An attempt registered while the sweep runs may be missed by it.
     *
     * @param reason why, for the attempts' logs
     * @return how many attempts were abandoned
     */
    public int abandonWaiting(String reason) {
        if (waiting.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (WaitingAttempt a : waiting) {
            if (waiting.remove(a)) { // so that two sweeps (poller, breaker) never call one attempt twice
                a.podAbandoned(reason);
                n++;
            }
        }
        if (n > 0) {
            Log.warnf(
                    "Pod %s given up (%s): %d requests waiting for its first byte go to other pods, if any",
                    this, reason, n);
        }
        return n;
    }

    /**
     * Whether the breaker keeps this pod out of rotation: open and its delay not yet over. After the delay the pod is
     * offered again so that the breaker can make its half-open trial call.
     */
    public boolean circuitBlocks(long nowNanos, long delayNanos) {
        return circuit == CircuitBreakerState.OPEN && nowNanos - circuitOpenedAtNanos < delayNanos;
    }

    public long inFlightTokens() {
        return inFlightTokens.get();
    }

    public int inFlightRequests() {
        return inFlightRequests.get();
    }

    /** Accounts a request sent to this pod; undo with {@link #release(long)}. */
    public void acquire(long tokens) {
        inFlightTokens.addAndGet(tokens);
        inFlightRequests.incrementAndGet();
    }

    /** Ends the accounting of {@link #acquire(long)}. */
    public void release(long tokens) {
        inFlightTokens.addAndGet(-tokens);
        inFlightRequests.decrementAndGet();
    }

    @Override
    public String toString() {
        return baseUrl;
    }
}
