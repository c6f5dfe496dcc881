package io.ascendant.gateway.catalogue.admin;

import io.ascendant.admin.problem.ProblemException;
import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.gateway.catalogue.Accelerator;
import io.ascendant.gateway.catalogue.CatalogueRepository;
import io.ascendant.gateway.catalogue.EndpointSpec;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.catalogue.PoolSpec;
import io.ascendant.gateway.catalogue.admin.CatalogueViews.EndpointView;
import io.ascendant.gateway.catalogue.admin.CatalogueViews.ModelRouteView;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Admin operations on the model catalogue. Each write, its revision bump and its audit row commit in one
 * transaction; then this replica reloads at once and the others within {@code gateway.catalogue.refresh-interval}.
 */
@ApplicationScoped
public class CatalogueAdminService {

    @Inject
    CatalogueRepository repository;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    PodRegistry registry;

    @Inject
    AuditService audit;

    @Inject
    PriceBookService priceBook;

    /** All routes, static and admin-managed. */
    public List<ModelRouteView> routes() throws SQLException {
        Set<String> stored = storedRouteNames();
        List<ModelRouteView> out = new ArrayList<>();
        for (ModelRoute r : catalogue.snapshot().routes()) {
            out.add(view(r, stored.contains(r.publicName())));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /** One route. */
    public Optional<ModelRouteView> route(String name) throws SQLException {
        boolean stored = isStored(name);
        return catalogue.snapshot().routes().stream()
                .filter(r -> r.publicName().equals(name))
                .findFirst()
                .map(r -> view(r, stored));
    }

    /**
     * Creates or replaces a route.
     *
     * @return true when created
     */
    @Transactional
    public boolean putRoute(AdminActor actor, String name, CatalogueViews.ModelRouteBody body) throws SQLException {
        requireName(name, "name");
        List<String> aliases = validAliases(name, body.aliases());
        repository.lockForWrite();
        if (!catalogue.staticPoolNames().contains(body.pool())
                && repository.findAllPools().stream().noneMatch(p -> p.name().equals(body.pool()))) {
            throw ProblemException.invalid(
                    "pool",
                    "pool '" + body.pool() + "' does not exist; use a pool listed by GET /admin/api/v1/pools or"
                            + " create one with PUT /admin/api/v1/pools/{name}");
        }
        requireNoClash(name, aliases);
        String priceTier = blankToDefault(body.priceTier(), name);
        requireListPrices(priceTier);
        Optional<ModelRouteView> before = route(name);
        ModelRoute route = new ModelRoute(
                name,
                aliases,
                priceTier,
                body.pool(),
                blankToDefault(body.upstreamModel(), name),
                body.maxOutputTokens() == null ? 65536 : body.maxOutputTokens(),
                body.contextLength() == null ? 1_048_576 : body.contextLength());
        boolean created = repository.upsertRoute(route);
        audit.record(actor, null, "model_route.put", "model_route", name, before.orElse(null), view(route, true));
        reloadAfterCommit();
        return created;
    }

    /**
     * The body's aliases, checked on their own: each a valid name, none listed twice, none the model's own name.
     *
     * @throws ProblemException 400 naming {@code aliases}
     */
    private static List<String> validAliases(String name, List<String> requested) {
        if (requested == null) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (String alias : requested) {
            requireName(alias, "aliases");
            if (alias.equals(name)) {
                throw ProblemException.invalid(
                        "aliases", "alias '" + alias + "' is the model's own name; list only other names");
            }
            if (!seen.add(alias)) {
                throw ProblemException.invalid("aliases", "alias '" + alias + "' is listed more than once");
            }
        }
        return List.copyOf(requested);
    }

    /**
     * Refuses a route whose name is another model's alias, or whose alias is another model's name or alias. Checks the
     * stored routes (read under {@link CatalogueRepository#lockForWrite()}, so a concurrent write cannot slip past)
     * merged with the static ones they replace, not this replica's possibly older snapshot.
     *
     * @throws ProblemException 409 naming {@code name} or {@code aliases}
     */
    private void requireNoClash(String name, List<String> aliases) throws SQLException {
        Map<String, ModelRoute> routes = new HashMap<>();
        catalogue.staticRoutes().forEach(r -> routes.put(r.publicName(), r));
        repository.findAllRoutes().forEach(r -> routes.put(r.publicName(), r));
        routes.remove(name);
        for (ModelRoute other : routes.values()) {
            if (other.aliases().contains(name)) {
                throw ProblemException.conflict(
                        "name",
                        "model name '" + name + "' is already an alias of model '" + other.publicName()
                                + "'; remove the alias from that model first");
            }
            for (String alias : aliases) {
                if (alias.equals(other.publicName()) || other.aliases().contains(alias)) {
                    throw ProblemException.conflict(
                            "aliases", "alias '" + alias + "' is already a model name or alias");
                }
            }
        }
    }

    /**
     * Refuses a price tier without a list price in every currency the price book has list prices in: usage of the
     * route would be recorded {@code UNPRICED} at amount 0 for tenants billed in a missing currency and never appear
     * on an invoice. Reads the price book afresh, so a price added a moment ago counts; a version that starts in the
     * future counts too (as for tenant currencies, {@link PriceBook#listCurrencies()}).
     *
     * @throws ProblemException 409 naming {@code priceTier}, the missing currencies and how to add a price
     */
    private void requireListPrices(String priceTier) {
        PriceBook book = priceBook.reload();
        SortedSet<String> missing = new TreeSet<>(book.listCurrencies());
        boolean priced = false;
        for (PriceVersion v : book.all()) {
            if (v.tenantId() == null && v.model().equals(priceTier)) {
                missing.remove(v.currency());
                priced = true;
            }
        }
        if (priced && missing.isEmpty()) {
            return;
        }
        String currencies = missing.isEmpty() ? "any currency" : String.join(", ", missing);
        throw ProblemException.conflict(
                "priceTier",
                "price tier '" + priceTier + "' has no list price in " + currencies
                        + ", so its usage could not be billed; add one first with POST"
                        + " /admin/api/v1/billing/price-book {\"model\":\"" + priceTier
                        + "\",\"currency\":...} (one per currency), or set priceTier to a priced tier");
    }

    /** Deletes an admin-managed route; false when there is none. */
    @Transactional
    public boolean deleteRoute(AdminActor actor, String name) throws SQLException {
        Optional<ModelRouteView> before = route(name);
        boolean deleted = repository.deleteRoute(name);
        if (deleted) {
            audit.record(actor, null, "model_route.delete", "model_route", name, before.orElse(null), null);
            reloadAfterCommit();
        }
        return deleted;
    }

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
            for (Pod pod : registry.pods(pool.name())) {
                EndpointSpec spec = specs.get(pod.baseUrl());
                CatalogueRepository.RegisteredEndpoint reg =
                        registered.getOrDefault(pool.name(), Map.of()).get(pod.baseUrl());
                endpoints.add(new EndpointView(
                        reg == null ? null : reg.id(),
                        pod.baseUrl(),
                        pod.accelerator().name(),
                        pod.draining(),
                        spec == null
                                ? EndpointSpec.Source.DNS.name()
                                : spec.source().name(),
                        pod.ready(2),
                        pod.circuit().name(),
                        pod.load().waiting(),
                        pod.load().kvCacheUsage(),
                        pod.inFlightRequests(),
                        reg == null ? null : reg.registeredAt()));
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
        requireName(name, "name");
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
        boolean created = repository.upsertPool(name, acc, body.dns());
        audit.record(actor, null, "model_pool.put", "model_pool", name, null, body);
        reloadAfterCommit();
        return created;
    }

    /** Deletes a pool (fails with 409 while a route uses it); false when there is none. */
    @Transactional
    public boolean deletePool(AdminActor actor, String name) throws SQLException {
        repository.lockForWrite();
        for (ModelRoute r : repository.findAllRoutes()) {
            if (r.poolName().equals(name)) {
                throw ProblemException.conflict("pool '" + name + "' is used by model '" + r.publicName() + "'");
            }
        }
        boolean deleted = repository.deletePool(name);
        if (deleted) {
            audit.record(actor, null, "model_pool.delete", "model_pool", name, null, null);
            reloadAfterCommit();
        }
        return deleted;
    }

    /** Registers an endpoint in an admin-managed pool. */
    @Transactional
    public CatalogueRepository.RegisteredEndpoint register(
            AdminActor actor, String pool, CatalogueViews.EndpointBody body) throws SQLException {
        PoolSpec spec = repository.findAllPools().stream()
                .filter(p -> p.name().equals(pool))
                .findFirst()
                .orElseThrow(() -> ProblemException.notFound("pool '" + pool + "'"));
        Accelerator acc = body.accelerator() == null ? spec.accelerator() : Accelerator.parse(body.accelerator());
        String url = body.baseUrl().endsWith("/")
                ? body.baseUrl().substring(0, body.baseUrl().length() - 1)
                : body.baseUrl();
        CatalogueRepository.RegisteredEndpoint e = repository.registerEndpoint(pool, url.toLowerCase(Locale.ROOT), acc);
        audit.record(actor, null, "pool_endpoint.register", "pool_endpoint", e.id().toString(), null, e);
        reloadAfterCommit();
        return e;
    }

    /** Marks a registered endpoint draining or not; false when it does not exist. */
    @Transactional
    public boolean setDraining(AdminActor actor, String pool, UUID id, boolean draining) throws SQLException {
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
            reloadAfterCommit();
        }
        return ok;
    }

    /** Removes a registered endpoint; false when it does not exist. */
    @Transactional
    public boolean deregister(AdminActor actor, String pool, UUID id) throws SQLException {
        boolean ok = repository.deregisterEndpoint(pool, id);
        if (ok) {
            audit.record(actor, null, "pool_endpoint.deregister", "pool_endpoint", id.toString(), null, null);
            reloadAfterCommit();
        }
        return ok;
    }

    private void reloadAfterCommit() {
        try {
            jakarta.transaction.TransactionSynchronizationRegistry tsr = jakarta.enterprise
                    .inject
                    .spi
                    .CDI
                    .current()
                    .select(jakarta.transaction.TransactionSynchronizationRegistry.class)
                    .get();
            tsr.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
                @Override
                public void beforeCompletion() {}

                @Override
                public void afterCompletion(int status) {
                    if (status == jakarta.transaction.Status.STATUS_COMMITTED) {
                        catalogue.reloadNow();
                    }
                }
            });
        } catch (RuntimeException e) {
            catalogue.reloadNow();
        }
    }

    private Set<String> storedRouteNames() throws SQLException {
        Set<String> names = new java.util.HashSet<>();
        repository.findAllRoutes().forEach(r -> names.add(r.publicName()));
        return names;
    }

    private boolean isStored(String name) throws SQLException {
        return storedRouteNames().contains(name);
    }

    private Set<String> storedPoolNames() throws SQLException {
        Set<String> names = new java.util.HashSet<>();
        repository.findAllPools().forEach(p -> names.add(p.name()));
        return names;
    }

    private static ModelRouteView view(ModelRoute r, boolean stored) {
        return new ModelRouteView(
                r.publicName(),
                r.aliases(),
                r.priceTier(),
                r.poolName(),
                r.upstreamModel(),
                r.maxOutputTokens(),
                r.contextLength(),
                stored ? "ADMIN" : "STATIC");
    }

    private static void requireName(String name, String field) {
        if (name == null || !name.matches("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$")) {
            throw ProblemException.invalid(field, "names are 1-128 characters of letters, digits and . _ : / -");
        }
    }

    private static String blankToDefault(String v, String def) {
        return v == null || v.isBlank() ? def : v;
    }
}
