package io.ascendant.gateway.catalogue;

import io.ascendant.gateway.config.DataPathConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The model catalogue every request resolves against: static routes and pools from {@code gateway.catalogue.*}
 * merged with the admin-managed ones in PostgreSQL (a stored route or pool replaces a static one of the same
 * name). The merged {@link CatalogueSnapshot} is swapped atomically; each replica checks the database revision every
 * {@code gateway.catalogue.refresh-interval} (default 2 s), so admin changes apply everywhere within seconds, and
 * fires {@link CatalogueChanged} so the pod registry reconciles its pods.
 *
 * <p>Threading: {@link #snapshot()} is a volatile read on the request path; reloads run on a scheduler worker
 * thread and are serialised by {@code synchronized}.
 */
@ApplicationScoped
public class ModelCatalogue {

    @Inject
    DataPathConfig config;

    @Inject
    CatalogueRepository repository;

    @Inject
    Event<CatalogueChanged> changed;

    private volatile CatalogueSnapshot snapshot = new CatalogueSnapshot(List.of(), List.of());
    private long loadedRevision = Long.MIN_VALUE;

    /** Set when shutdown begins (the datasource closes soon after). */
    private volatile boolean shuttingDown;

    void onStart(@Observes StartupEvent ev) {
        reload(true);
    }

    /** The current catalogue. */
    public CatalogueSnapshot snapshot() {
        return snapshot;
    }

    /** The routes from configuration ({@code gateway.catalogue.models.*}), before stored ones replace them. */
    public List<ModelRoute> staticRoutes() {
        List<ModelRoute> out = new ArrayList<>();
        config.catalogue().models().forEach((name, m) -> out.add(staticRoute(name, m)));
        return out;
    }

    /** The names of the pools from configuration ({@code gateway.catalogue.pools.*}). */
    public Set<String> staticPoolNames() {
        return Set.copyOf(config.catalogue().pools().keySet());
    }

    /** The route for a public name or alias. */
    public Optional<ModelRoute> resolve(String model) {
        return snapshot.resolve(model);
    }

    /**
     * The routes a key may use, by public name.
     *
     * @param allowedModels the key's allowed public names; an empty set means every model
     */
    public List<ModelRoute> visibleTo(Set<String> allowedModels) {
        List<ModelRoute> out = new ArrayList<>();
        for (ModelRoute r : snapshot.routes()) {
            if (allows(allowedModels, r)) {
                out.add(r);
            }
        }
        out.sort((a, b) -> a.publicName().compareTo(b.publicName()));
        return out;
    }

    /** Whether a key with these allowed models may call this route (by public name or any alias). */
    public static boolean allows(Set<String> allowedModels, ModelRoute route) {
        if (allowedModels == null || allowedModels.isEmpty() || allowedModels.contains(route.publicName())) {
            return true;
        }
        for (String alias : route.aliases()) {
            if (allowedModels.contains(alias)) {
                return true;
            }
        }
        return false;
    }

    @Scheduled(
            every = "${gateway.catalogue.refresh-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "gateway-catalogue-refresh")
    void refresh() {
        if (!shuttingDown) {
            reload(false);
        }
    }

    /**
     * Shutdown began: no further scheduled reloads. A reload already running may still meet the closed connection
     * pool; that is expected then and logged at DEBUG, not as a failure.
     */
    void stopRefreshing(@Observes ShutdownEvent ev) {
        shuttingDown = true;
    }

    /** Reloads now (after an admin write on this replica) so the change applies here at once. */
    public void reloadNow() {
        reload(true);
    }

    private synchronized void reload(boolean force) {
        Map<String, ModelRoute> routes = new LinkedHashMap<>();
        Map<String, PoolSpec> pools = new LinkedHashMap<>();
        config.catalogue().pools().forEach((name, p) -> pools.put(name, staticPool(name, p)));
        config.catalogue().models().forEach((name, m) -> routes.put(name, staticRoute(name, m)));
        if (config.catalogue().database() && repository.available()) {
            try {
                long revision = repository.revision();
                if (!force && revision == loadedRevision) {
                    return;
                }
                for (PoolSpec p : repository.findAllPools()) {
                    pools.put(p.name(), p);
                }
                for (ModelRoute r : repository.findAllRoutes()) {
                    routes.put(r.publicName(), r);
                }
                loadedRevision = revision;
            } catch (Exception e) {
                // Keep serving the last good catalogue; a database outage must not take routes away.
                if (shuttingDown) {
                    Log.debugf("Model catalogue reload stopped by shutdown: %s", e.getMessage());
                } else {
                    Log.warnf("Model catalogue reload failed, keeping revision %d: %s", loadedRevision, e.getMessage());
                }
                if (!force) {
                    return;
                }
                if (loadedRevision != Long.MIN_VALUE) {
                    return;
                }
            }
        } else if (!force) {
            return;
        }
        snapshot = new CatalogueSnapshot(routes.values(), pools.values());
        changed.fire(new CatalogueChanged(snapshot));
    }

    private static ModelRoute staticRoute(String name, DataPathConfig.StaticModel m) {
        return new ModelRoute(
                name,
                m.aliases().orElse(List.of()),
                m.priceTier().orElse(name),
                m.pool(),
                m.upstreamModel().orElse(name),
                m.maxOutputTokens(),
                m.contextLength());
    }

    private static PoolSpec staticPool(String name, DataPathConfig.StaticPool p) {
        Accelerator acc = Accelerator.parse(p.accelerator());
        if (acc == null) {
            throw new IllegalStateException(
                    "gateway.catalogue.pools." + name + ".accelerator must be CPU or ASCEND, got " + p.accelerator());
        }
        List<EndpointSpec> endpoints = new ArrayList<>();
        for (String url : p.endpoints().orElse(List.of())) {
            endpoints.add(new EndpointSpec(name, stripSlash(url), acc, false, EndpointSpec.Source.STATIC));
        }
        return new PoolSpec(name, acc, p.dns(), endpoints);
    }

    static String stripSlash(String url) {
        String u = url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** Fired (synchronously) after a new snapshot was installed. */
    public record CatalogueChanged(CatalogueSnapshot snapshot) {}
}
