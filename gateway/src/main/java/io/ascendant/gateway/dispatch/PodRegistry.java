package io.ascendant.gateway.dispatch;

import io.ascendant.gateway.catalogue.Accelerator;
import io.ascendant.gateway.catalogue.CatalogueSnapshot;
import io.ascendant.gateway.catalogue.EndpointSpec;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.PoolSpec;
import io.ascendant.gateway.config.DataPathConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live pods of every pool: static and admin-registered endpoints from the catalogue plus those discovered
 * through DNS. Reconciles on every catalogue change and every DNS round; a pod that leaves stops receiving new
 * requests at once while its in-flight requests finish on the {@link Pod} object they hold.
 *
 * <p>An endpoint whose base URL breaks {@link io.ascendant.gateway.catalogue.EndpointUrls}' rule (a row written
 * before the admin API checked URLs or straight into the table, a typo in configuration, a DNS pool with a port out
 * of range) never becomes a pod: it is skipped, logged once as a warning naming its pool and value (again only if it
 * goes away and comes back), and kept in {@link #invalid} so that the admin API lists it with the reason and it can
 * be removed. Reconciling never throws for one endpoint, so such a row can neither stop start-up nor take the pool's
 * good endpoints away.
 */
@ApplicationScoped
public class PodRegistry {

    @Inject
    DataPathConfig config;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    HostResolver resolver;

    @Inject
    Event<PodRemoved> removedEvent;

    /** Pods by pool name; replaced as a whole (copy on write). */
    private volatile Map<String, List<Pod>> byPool = Map.of();
    /** DNS answers by pool name: endpoint base URLs. */
    private final Map<String, List<String>> discovered = new ConcurrentHashMap<>();
    /** Endpoints skipped for an invalid base URL, by pool name; replaced as a whole with {@link #byPool}. */
    private volatile Map<String, List<InvalidEndpoint>> invalidByPool = Map.of();
    /** Keys ({@link #key}) of the invalid endpoints already warned about; guarded by {@code this}. */
    private Set<String> warned = Set.of();

    /** The pods of a pool, in a stable order; empty when the pool is unknown. */
    public List<Pod> pods(String pool) {
        return byPool.getOrDefault(pool, List.of());
    }

    /**
     * The endpoints of a pool that are not pods because their base URL is invalid, in the catalogue's order; empty
     * when there are none or the pool is unknown.
     */
    public List<InvalidEndpoint> invalid(String pool) {
        return invalidByPool.getOrDefault(pool, List.of());
    }

    /** Every pod of every pool. */
    public List<Pod> all() {
        List<Pod> out = new ArrayList<>();
        for (List<Pod> pods : byPool.values()) {
            out.addAll(pods);
        }
        return out;
    }

    void onCatalogueChanged(@Observes ModelCatalogue.CatalogueChanged ev) {
        reconcile(ev.snapshot());
    }

    @Scheduled(
            every = "${gateway.catalogue.dns-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "gateway-dns-discovery")
    void discover() {
        boolean changed = false;
        CatalogueSnapshot snapshot = catalogue.snapshot();
        for (PoolSpec pool : snapshot.pools().values()) {
            if (pool.dns().isEmpty()) {
                changed |= discovered.remove(pool.name()) != null;
                continue;
            }
            String hostPort = pool.dns().get();
            int colon = hostPort.lastIndexOf(':');
            String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
            String port = colon > 0 ? hostPort.substring(colon + 1) : "8000";
            List<String> urls = new ArrayList<>();
            for (String address : resolver.resolve(host)) {
                urls.add("http://" + address + ":" + port);
            }
            List<String> previous = discovered.put(pool.name(), List.copyOf(urls));
            if (!urls.equals(previous)) {
                Log.infof("DNS discovery for pool %s (%s): %d endpoints", pool.name(), hostPort, urls.size());
                changed = true;
            }
        }
        if (changed) {
            reconcile(snapshot);
        }
    }

    /** Runs one DNS round now (tests and admin changes use it to avoid waiting for the interval). */
    public void discoverNow() {
        discover();
    }

    private synchronized void reconcile(CatalogueSnapshot snapshot) {
        Map<String, Pod> current = new HashMap<>();
        for (List<Pod> pods : byPool.values()) {
            for (Pod p : pods) {
                current.put(key(p.poolName(), p.baseUrl()), p);
            }
        }
        Map<String, List<Pod>> next = new LinkedHashMap<>();
        Map<String, List<InvalidEndpoint>> nextInvalid = new LinkedHashMap<>();
        Set<String> nextWarned = new HashSet<>();
        for (PoolSpec pool : snapshot.pools().values()) {
            Map<String, EndpointSpec> wanted = new LinkedHashMap<>();
            for (EndpointSpec e : pool.endpoints()) {
                wanted.put(e.baseUrl(), e);
            }
            for (String url : discovered.getOrDefault(pool.name(), List.of())) {
                wanted.putIfAbsent(
                        url, new EndpointSpec(pool.name(), url, pool.accelerator(), false, EndpointSpec.Source.DNS));
            }
            List<Pod> pods = new ArrayList<>();
            List<InvalidEndpoint> invalid = new ArrayList<>();
            for (EndpointSpec e : wanted.values()) {
                String key = key(pool.name(), e.baseUrl());
                Pod pod = current.remove(key);
                if (pod == null || pod.accelerator() != e.accelerator()) {
                    String reason = null;
                    try {
                        pod = new Pod(
                                pool.name(),
                                e.baseUrl(),
                                e.accelerator() == null ? Accelerator.CPU : e.accelerator(),
                                config.dispatch().prefixEntriesPerPod());
                    } catch (IllegalArgumentException bad) {
                        // The constructor checks EndpointUrls' rule and says what is wrong.
                        reason = bad.getMessage() != null ? bad.getMessage() : "baseUrl cannot be used: " + bad;
                    }
                    if (reason != null) {
                        invalid.add(new InvalidEndpoint(e, reason));
                        nextWarned.add(key);
                        if (!warned.contains(key)) {
                            warnSkipped(e, reason);
                        }
                        continue;
                    }
                }
                pod.draining(e.draining());
                pods.add(pod);
            }
            next.put(pool.name(), List.copyOf(pods));
            if (!invalid.isEmpty()) {
                nextInvalid.put(pool.name(), List.copyOf(invalid));
            }
        }
        byPool = Map.copyOf(next);
        invalidByPool = Map.copyOf(nextInvalid);
        warned = Set.copyOf(nextWarned);
        retire(current.values());
    }

    /** The one warning for an endpoint skipped for its base URL, saying where to fix it. */
    private static void warnSkipped(EndpointSpec e, String reason) {
        String fix = switch (e.source()) {
            case REGISTERED ->
                "remove it (DELETE /admin/api/v1/pools/" + e.poolName() + "/endpoints/{id}; GET"
                        + " /admin/api/v1/pools/" + e.poolName() + " lists it as INVALID with its id)"
                        + " and register a valid one";
            case STATIC -> "correct gateway.catalogue.pools." + e.poolName() + ".endpoints and restart the gateway";
            case DNS -> "correct the pool's dns (host:port)";
        };
        Log.warnf(
                "Pool %s: %s endpoint skipped, no requests go to it: %s. To fix, %s. The pool's other endpoints serve"
                        + " as usual.",
                e.poolName(), e.source().name().toLowerCase(Locale.ROOT), reason, fix);
    }

    private void retire(Collection<Pod> gone) {
        for (Pod p : gone) {
            p.markRemoved();
            Log.infof(
                    "Pod %s left pool %s (%d requests in flight finish there)", p, p.poolName(), p.inFlightRequests());
            removedEvent.fire(new PodRemoved(p));
        }
    }

    private static String key(String pool, String url) {
        return pool + '\u0000' + url;
    }

    /**
     * An endpoint of the catalogue that is not a pod because its base URL is invalid.
     *
     * @param endpoint the endpoint as the catalogue has it (its {@code baseUrl} exactly as stored or configured)
     * @param reason what is wrong, naming the value, e.g. {@code baseUrl 'http://127.0.0.1:0' has port 0; a port is
     *     1-65535}
     */
    public record InvalidEndpoint(EndpointSpec endpoint, String reason) {}

    /** Fired when a pod leaves its pool. */
    public record PodRemoved(Pod pod) {}
}
