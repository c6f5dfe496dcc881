package io.ascendant.gateway.catalogue;

import java.util.List;
import java.util.Optional;

/**
 * A pool of interchangeable endpoints serving the same models.
 *
 * @param name pool name
 * @param accelerator default accelerator of its endpoints
 * @param dns {@code host:port} resolved periodically to discover endpoints, if any
 * @param endpoints static and registered endpoints (DNS-discovered ones are added by the discovery)
 */
public record PoolSpec(String name, Accelerator accelerator, Optional<String> dns, List<EndpointSpec> endpoints) {
    public PoolSpec {
        endpoints = List.copyOf(endpoints);
    }
}
