package io.ascendant.gateway.dispatch;

import io.ascendant.gateway.catalogue.Accelerator;
import io.ascendant.modelhost.api.HostLoad;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live state of one model-host endpoint: health from active polling, load from its {@code /metrics}, the gateway's
 * own in-flight accounting, the circuit state of its breaker and its prefix index.
 *
 * <p>Threading: fields are written by the poller (event loop) and the upstream client, read on the request path;
 * all are volatile or atomic.
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
    private final AtomicLong inFlightTokens = new AtomicLong();
    private final AtomicInteger inFlightRequests = new AtomicInteger();
    final AtomicInteger pollsInFlight = new AtomicInteger();

    /** @param baseUrl {@code http(s)://host:port} */
    public Pod(String poolName, String baseUrl, Accelerator accelerator, int prefixEntries) {
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

    /** Called by the pod's circuit breaker on every state change. */
    public void circuit(CircuitBreakerState state) {
        if (state == CircuitBreakerState.OPEN) {
            circuitOpenedAtNanos = System.nanoTime();
        }
        this.circuit = state;
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
