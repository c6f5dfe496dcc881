package io.ascendant.tenancy.catalogue;

import java.util.List;
import java.util.Optional;

/**
 * The model catalogue as tenancy needs it: which model names exist. Tenancy stores model names in API keys' allowed
 * models and in per-model limits, but the catalogue belongs to the gateway, which tenancy may not depend on; so the
 * gateway implements this CDI interface (one {@code @ApplicationScoped} bean) over its live catalogue.
 *
 * <p>Called on admin writes only (never on the request path); implementations answer from memory.
 */
public interface ModelDirectory {

    /**
     * The public name of the catalogue model that {@code model} names, by its public name or one of its aliases
     * (case-sensitive), or empty when no model of the catalogue has that name now.
     */
    Optional<String> publicName(String model);

    /** The public names of the catalogue's models, sorted (listed in error messages). */
    List<String> publicNames();
}
