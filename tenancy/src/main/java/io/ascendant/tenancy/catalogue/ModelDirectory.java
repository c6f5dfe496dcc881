package io.ascendant.tenancy.catalogue;

import java.util.List;

/**
 * The model catalogue as tenancy needs it: which model names exist. Tenancy stores model names in API keys' allowed
 * models and in per-model limits, but the catalogue belongs to the gateway, which tenancy may not depend on; so the
 * gateway implements this CDI interface (one {@code @ApplicationScoped} bean) over its live catalogue.
 *
 * <p>Called on admin writes only (never on the request path); implementations answer from memory.
 */
public interface ModelDirectory {

    /** Whether {@code model} is the public name or an alias of a model in the catalogue now. Case-sensitive. */
    boolean knows(String model);

    /** The public names of the catalogue's models, sorted (listed in error messages). */
    List<String> publicNames();
}
