package io.ascendant.gateway.catalogue.admin;

import io.ascendant.admin.problem.ProblemException;
import io.ascendant.gateway.catalogue.Accelerator;
import io.ascendant.gateway.catalogue.CatalogueRepository;
import io.ascendant.gateway.catalogue.EndpointSpec;
import io.ascendant.gateway.catalogue.EndpointUrls;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.catalogue.PoolSpec;
import io.ascendant.gateway.catalogue.admin.CatalogueViews.EndpointView;
import io.ascendant.gateway.catalogue.admin.CatalogueViews.PoolView;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.audit.AuditService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Admin operations on the catalogue's pools and their registered endpoints (routes are {@link
 * ModelRouteAdminService}'s). Each write and its audit row commit in one transaction; then this replica reloads at
 * once and the others within {@code gateway.catalogue.refresh-interval}.
 */
@ApplicationScoped
public class PoolAdminService {

    @Inject
    CatalogueRepository repository;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    PodRegistry registry;

    @Inject
    AuditService audit;

    /** All pools with live endpoint state. */
    public List<PoolView> pools() throws SQLException {
        Set<String> stored = storedPoolNames();
        Map<String, Map<String, CatalogueRepository.RegisteredEndpoint>> registered = new HashMap<>();
        for (String p : stored) {
            Map<String, CatalogueRepository.RegisteredEndpoint> byUrl = new HashMap<>();
            for (CatalogueRepository.RegisteredEndpoint e : repository.findEndpoints(p)) {
                byUrl.put(e.baseUrl(), e);
            }
            registered.put(p, byUrl);
        }
        List<PoolView> out = new ArrayList<>();
        for (PoolSpec pool : catalogue.snapshot().pools().values()) {
            List<EndpointView> endpoints = new ArrayList<>();
            Map<String, EndpointSpec> specs = new HashMap<>();
            pool.endpoints().forEach(e -> specs.put(e.baseUrl(), e));
            Map<String, CatalogueRepository.RegisteredEndpoint> inPool = registered.getOrDefault(pool.name(), Map.of());
            for (Pod pod : registry.pods(pool.name())) {
                EndpointSpec spec = specs.get(pod.baseUrl());
                CatalogueRepository.RegisteredEndpoint reg = inPool.get(pod.baseUrl());
                boolean ready = pod.ready(2);
                endpoints.add(new EndpointView(
                        reg == null ? null : reg.id(),
                        pod.baseUrl(),
                        pod.accelerator().name(),
                        pod.draining(),
                        spec == null
                                ? EndpointSpec.Source.DNS.name()
                                : spec.source().name(),
                        pod.draining() ? "DRAINING" : ready ? "READY" : "NOT_READY",
                        null,
                        ready,
                        pod.circuit().name(),
                        sampled(pod.load().waiting()),
                        sampled(pod.load().kvCacheUsage()),
                        pod.inFlightRequests(),
                        reg == null ? null : reg.registeredAt(),
                        pod.maxModelLen().isPresent() ? pod.maxModelLen().getAsLong() : null));
            }
            for (PodRegistry.InvalidEndpoint bad : registry.invalid(pool.name())) {
                EndpointSpec e = bad.endpoint();
                CatalogueRepository.RegisteredEndpoint reg = inPool.get(e.baseUrl());
                endpoints.add(new EndpointView(
                        reg == null ? null : reg.id(),
                        e.baseUrl(),
                        e.accelerator() == null
                                ? pool.accelerator().name()
                                : e.accelerator().name(),
                        e.draining(),
                        e.source().name(),
                        "INVALID",
                        bad.reason(),
                        false,
                        null,
                        null,
                        null,
                        0,
                        reg == null ? null : reg.registeredAt(),
                        null));
            }
            out.add(new PoolView(
                    pool.name(),
                    pool.accelerator().name(),
                    pool.dns().orElse(null),
                    stored.contains(pool.name()) ? "ADMIN" : "STATIC",
                    endpoints));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /**
     * Creates or replaces an admin-managed pool. A static pool's name is refused: a stored pool would replace the
     * configured one and its endpoints, taking the routes that use it offline.
     *
     * @return true when created
     * @throws ProblemException 409 naming {@code name} for a static pool (from {@code gateway.catalogue.pools.*})
     */
    @Transactional
    public boolean putPool(AdminActor actor, String name, CatalogueViews.PoolBody body) throws SQLException {
        CatalogueWrites.requireName(name, "name");
        if (!name.matches("^[a-z0-9][a-z0-9._-]{0,62}$")) {
            throw ProblemException.invalid("name", "pool names are 1-63 characters of a-z, 0-9, '.', '_', '-'");
        }
        if (catalogue.staticPoolNames().contains(name)) {
            throw ProblemException.conflict(
                    "name",
                    "pool '" + name + "' is a static pool from configuration (gateway.catalogue.pools." + name
                            + ".*); change it there, or create an admin-managed pool under another name");
        }
        Accelerator acc = Accelerator.parse(body.accelerator());
        requireDnsPort(body.dns());
        boolean created = repository.upsertPool(name, acc, body.dns());
        audit.record(actor, null, "model_pool.put", "model_pool", name, null, body);
        CatalogueWrites.reloadAfterCommit(catalogue);
        return created;
    }

    /**
     * Deletes a pool; false when there is none.
     *
     * @throws ProblemException 409 while a route uses it, or for a static pool (from configuration)
     */
    @Transactional
    public boolean deletePool(AdminActor actor, String name) throws SQLException {
        refuseStatic(name, "deleted");
        repository.lockForWrite();
        for (ModelRoute r : repository.findAllRoutes()) {
            if (r.poolName().equals(name)) {
                throw ProblemException.conflict("pool '" + name + "' is used by model '" + r.publicName() + "'");
            }
        }
        boolean deleted = repository.deletePool(name);
        if (deleted) {
            audit.record(actor, null, "model_pool.delete", "model_pool", name, null, null);
            CatalogueWrites.reloadAfterCommit(catalogue);
        }
        return deleted;
    }

    /**
     * Registers an endpoint in an admin-managed pool, stored in {@link EndpointUrls#normalized} form (lower-case, no
     * trailing {@code /}, no default port, no leading zeros in the port). Registering one again under another
     * spelling ({@code http://h}, {@code http://h:80}, {@code http://h:00080}) is registering it again: the stored
     * endpoint is answered, with its id, as for the same spelling.
     *
     * @throws ProblemException 400 naming {@code baseUrl} when it breaks {@link EndpointUrls}' rule, 404 for an
     *     unknown pool, 409 for a static pool (from configuration)
     */
    @Transactional
    public CatalogueRepository.RegisteredEndpoint register(
            AdminActor actor, String pool, CatalogueViews.EndpointBody body) throws SQLException {
        EndpointUrls.problem("baseUrl", body.baseUrl()).ifPresent(p -> {
            throw ProblemException.invalid("baseUrl", p);
        });
        refuseStatic(pool, "given registered endpoints");
        PoolSpec spec = repository.findAllPools().stream()
                .filter(p -> p.name().equals(pool))
                .findFirst()
                .orElseThrow(() -> ProblemException.notFound("pool '" + pool + "'"));
        Accelerator acc = body.accelerator() == null ? spec.accelerator() : Accelerator.parse(body.accelerator());
        String baseUrl = EndpointUrls.normalized(body.baseUrl());
        for (CatalogueRepository.RegisteredEndpoint stored : repository.findEndpoints(pool)) {
            // A row stored before ports were normalised (http://h:80) is the same endpoint as http://h.
            if (!stored.baseUrl().equals(baseUrl)
                    && EndpointUrls.normalized(stored.baseUrl()).equals(baseUrl)) {
                baseUrl = stored.baseUrl();
                break;
            }
        }
        CatalogueRepository.RegisteredEndpoint e = repository.registerEndpoint(pool, baseUrl, acc);
        audit.record(actor, null, "pool_endpoint.register", "pool_endpoint", e.id().toString(), null, e);
        CatalogueWrites.reloadAfterCommit(catalogue);
        return e;
    }

    /**
     * Marks a registered endpoint draining or not; false when it does not exist.
     *
     * @throws ProblemException 409 for a static pool (from configuration): its endpoints are not registered ones
     */
    @Transactional
    public boolean setDraining(AdminActor actor, String pool, UUID id, boolean draining) throws SQLException {
        refuseStatic(pool, "drained through the admin API");
        boolean ok = repository.setDraining(pool, id, draining);
        if (ok) {
            audit.record(
                    actor,
                    null,
                    "pool_endpoint.drain",
                    "pool_endpoint",
                    id.toString(),
                    null,
                    Map.of("draining", draining));
            CatalogueWrites.reloadAfterCommit(catalogue);
        }
        return ok;
    }

    /**
     * Removes a registered endpoint; false when it does not exist.
     *
     * @throws ProblemException 409 for a static pool (from configuration): its endpoints are not registered ones
     */
    @Transactional
    public boolean deregister(AdminActor actor, String pool, UUID id) throws SQLException {
        refuseStatic(pool, "changed through the admin API");
        boolean ok = repository.deregisterEndpoint(pool, id);
        if (ok) {
            audit.record(actor, null, "pool_endpoint.deregister", "pool_endpoint", id.toString(), null, null);
            CatalogueWrites.reloadAfterCommit(catalogue);
        }
        return ok;
    }

    /**
     * A static pool's endpoints come from {@code gateway.catalogue.pools.<name>.*} on every replica, not from the
     * database, so the admin API cannot add, drain or remove them (nor delete the pool): 409, not a 404 that would
     * contradict {@code GET /pools}, which lists the pool.
     */
    private void refuseStatic(String pool, String refused) {
        if (catalogue.staticPoolNames().contains(pool)) {
            throw ProblemException.conflict("pool '" + pool + "' is a static pool from configuration"
                    + " (gateway.catalogue.pools." + pool + ".*) and cannot be " + refused
                    + ": change its endpoints or dns there and restart the gateway, or create an admin-managed"
                    + " pool (PUT /admin/api/v1/pools/{name}), register endpoints in it and point routes at it");
        }
    }

    /**
     * The pattern of {@link CatalogueViews.PoolBody#dns()} lets 0 and 99999 through; every discovered endpoint would
     * then be invalid.
     *
     * @throws ProblemException 400 naming {@code dns}
     */
    private static void requireDnsPort(String dns) {
        if (dns == null) {
            return;
        }
        String port = dns.substring(dns.lastIndexOf(':') + 1);
        int n = Integer.parseInt(port); // the pattern allows 1-5 digits only
        if (n < 1 || n > 65535) {
            throw ProblemException.invalid("dns", "dns '" + dns + "' has port " + port + "; a port is 1-65535");
        }
    }

    /** A load gauge as the listing shows it: null while it was never sampled (the poller's -1). */
    private static Double sampled(double gauge) {
        return gauge < 0 ? null : gauge;
    }

    private Set<String> storedPoolNames() throws SQLException {
        Set<String> names = new HashSet<>();
        repository.findAllPools().forEach(p -> names.add(p.name()));
        return names;
    }
}
