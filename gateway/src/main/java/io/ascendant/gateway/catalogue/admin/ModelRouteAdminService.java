package io.ascendant.gateway.catalogue.admin;

import io.ascendant.admin.problem.ProblemException;
import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.gateway.catalogue.CatalogueRepository;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.catalogue.admin.CatalogueViews.ModelRouteView;
import io.ascendant.gateway.dispatch.PoolContextWindows;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Admin operations on the catalogue's model routes and their aliases (pools and endpoints are {@link
 * PoolAdminService}'s). Each write, its revision bump and its audit row commit in one transaction; then this replica
 * reloads at once and the others within {@code gateway.catalogue.refresh-interval}.
 */
@ApplicationScoped
public class ModelRouteAdminService {

    @Inject
    CatalogueRepository repository;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    AuditService audit;

    @Inject
    PriceBookService priceBook;

    @Inject
    PoolContextWindows contextWindows;

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

    /** {@code maxOutputTokens} of a new route whose body omits it (tokens). */
    static final long DEFAULT_MAX_OUTPUT_TOKENS = 65_536;

    /**
     * {@code contextLength} of a new route whose body omits it (tokens, prompt plus output): V4's full window. The
     * pods' own {@code max_model_len} lowers it ({@link PoolContextWindows}).
     */
    static final long DEFAULT_CONTEXT_LENGTH = 1_048_576;

    /**
     * Creates or replaces a route. A limit the body omits ({@code maxOutputTokens}, {@code contextLength}) keeps the
     * value of the route it replaces: the stored route of that name, else the static (configured) one, which is sized
     * to its pool's hosts; only a new name gets the defaults. Replacing a static route with just a pool used to reset
     * its limits to 65536 / 1048576, so {@code /v1/models} advertised a window the hosts refuse.
     *
     * @return true when created
     */
    @Transactional
    public boolean putRoute(AdminActor actor, String name, CatalogueViews.ModelRouteBody body) throws SQLException {
        CatalogueWrites.requireName(name, "name");
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
        Optional<ModelRoute> current = currentRoute(name);
        ModelRoute route = new ModelRoute(
                name,
                aliases,
                priceTier,
                body.pool(),
                blankToDefault(body.upstreamModel(), name),
                body.maxOutputTokens() != null
                        ? body.maxOutputTokens()
                        : current.map(ModelRoute::maxOutputTokens).orElse(DEFAULT_MAX_OUTPUT_TOKENS),
                body.contextLength() != null
                        ? body.contextLength()
                        : current.map(ModelRoute::contextLength).orElse(DEFAULT_CONTEXT_LENGTH));
        boolean created = repository.upsertRoute(route);
        audit.record(actor, null, "model_route.put", "model_route", name, before.orElse(null), view(route, true));
        CatalogueWrites.reloadAfterCommit(catalogue);
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
            CatalogueWrites.requireName(alias, "aliases");
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
            CatalogueWrites.reloadAfterCommit(catalogue);
        }
        return deleted;
    }

    /**
     * The route a PUT of {@code name} replaces, read from the database (under the write lock, not this replica's
     * snapshot) and else from static configuration; empty for a new name.
     */
    private Optional<ModelRoute> currentRoute(String name) throws SQLException {
        Optional<ModelRoute> stored = repository.findAllRoutes().stream()
                .filter(r -> r.publicName().equals(name))
                .findFirst();
        if (stored.isPresent()) {
            return stored;
        }
        return catalogue.staticRoutes().stream()
                .filter(r -> r.publicName().equals(name))
                .findFirst();
    }

    private Set<String> storedRouteNames() throws SQLException {
        Set<String> names = new HashSet<>();
        repository.findAllRoutes().forEach(r -> names.add(r.publicName()));
        return names;
    }

    private boolean isStored(String name) throws SQLException {
        return storedRouteNames().contains(name);
    }

    private ModelRouteView view(ModelRoute r, boolean stored) {
        OptionalLong hosts = contextWindows.reported(r.poolName());
        return new ModelRouteView(
                r.publicName(),
                r.aliases(),
                r.priceTier(),
                r.poolName(),
                r.upstreamModel(),
                r.maxOutputTokens(),
                r.contextLength(),
                stored ? "ADMIN" : "STATIC",
                hosts.isPresent() ? hosts.getAsLong() : null,
                contextWindows.effective(r));
    }

    private static String blankToDefault(String v, String def) {
        return v == null || v.isBlank() ? def : v;
    }
}
