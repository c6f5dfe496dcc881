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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live pods of every pool: static and admin-registered endpoints from the catalogue plus those discovered
 * through DNS. Reconciles on every catalogue change and every DNS round; a pod that leaves stops receiving new
 * requests at once while its in-flight requests finish on the {@link Pod} object they hold.
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

    /** The pods of a pool, in a stable order; empty when the pool is unknown. */
    public List<Pod> pods(String pool) {
        return byPool.getOrDefault(pool, List.of());
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
            for (EndpointSpec e : wanted.values()) {
                Pod pod = current.remove(key(pool.name(), e.baseUrl()));
                if (pod == null || pod.accelerator() != e.accelerator()) {
                    pod = new Pod(
                            pool.name(),
                            e.baseUrl(),
                            e.accelerator() == null ? Accelerator.CPU : e.accelerator(),
                            config.dispatch().prefixEntriesPerPod());
                }
                pod.draining(e.draining());
                pods.add(pod);
            }
            next.put(pool.name(), List.copyOf(pods));
        }
        byPool = Map.copyOf(next);
        retire(current.values());
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

    /** Fired when a pod leaves its pool. */
    public record PodRemoved(Pod pod) {}
}
