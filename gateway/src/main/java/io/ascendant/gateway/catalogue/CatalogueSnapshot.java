package io.ascendant.gateway.catalogue;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable view of all routes and pools; replaced as a whole when the catalogue changes. */
public final class CatalogueSnapshot {
    private final Map<String, ModelRoute> byName;
    private final List<ModelRoute> routes;
    private final Map<String, PoolSpec> pools;

    /** Builds the lookup; aliases never shadow a public name. */
    public CatalogueSnapshot(Collection<ModelRoute> routes, Collection<PoolSpec> pools) {
        this.routes = List.copyOf(routes);
        Map<String, ModelRoute> names = new HashMap<>();
        for (ModelRoute r : routes) {
            for (String alias : r.aliases()) {
                names.putIfAbsent(alias, r);
            }
        }
        for (ModelRoute r : routes) {
            names.put(r.publicName(), r);
        }
        this.byName = Map.copyOf(names);
        Map<String, PoolSpec> p = new HashMap<>();
        for (PoolSpec pool : pools) {
            p.put(pool.name(), pool);
        }
        this.pools = Map.copyOf(p);
    }

    /** The route for a public name or alias. */
    public Optional<ModelRoute> resolve(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All routes, in no particular order. */
    public List<ModelRoute> routes() {
        return routes;
    }

    /** All pools by name. */
    public Map<String, PoolSpec> pools() {
        return pools;
    }
}
