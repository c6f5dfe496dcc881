package io.ascendant.tenancy.catalogue;

import io.ascendant.tenancy.common.TenancyException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Refuses model names that are not in the model catalogue where an admin names a model (an API key's allowed models, a
 * limit's model), so a typo such as {@code deepseek-v4-flsh} is a 400 instead of a key that can call nothing or a
 * limit that never applies.
 *
 * <p>The catalogue is the gateway's, seen through {@link ModelDirectory}. When no implementation is deployed (tenancy
 * used without the gateway) names are not checked beyond their syntax.
 */
@ApplicationScoped
public class KnownModels {

    @Inject
    Instance<ModelDirectory> directory;

    /**
     * Returns {@code model} when it is {@code *} (where {@code allowStar}) or a catalogue model's public name or alias.
     *
     * @param field the request field, named in the error (e.g. {@code model}, {@code allowedModels[1]})
     * @throws TenancyException.Invalid naming {@code field} and the unknown model, listing the catalogue's models
     */
    public String require(String field, String model, boolean allowStar) {
        if (allowStar && "*".equals(model)) {
            return model;
        }
        if (!directory.isResolvable()) {
            return model;
        }
        ModelDirectory d = directory.get();
        if (!d.knows(model)) {
            throw new TenancyException.Invalid(
                    field,
                    field + ": model '" + model + "' is not in the model catalogue (models: "
                            + String.join(", ", d.publicNames()) + (allowStar ? ", or * for every model" : "")
                            + ")");
        }
        return model;
    }
}
