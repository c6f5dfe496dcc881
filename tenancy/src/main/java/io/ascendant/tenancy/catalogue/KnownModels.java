package io.ascendant.tenancy.catalogue;

import io.ascendant.tenancy.common.TenancyException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Refuses model names that are not in the model catalogue where an admin names a model, so a typo such as
 * {@code deepseek-v4-flsh} is a 400 instead of a key that can call nothing or a limit that never applies.
 *
 * <p>An API key's allowed models may use a model's public name or an alias (the gateway matches both). A limit's model
 * must be the public name: the quota engine looks limits up by the public name of the route a request resolved to, so
 * a limit stored under an alias would never apply; an alias is refused with the public name to use instead.
 *
 * <p>The catalogue is the gateway's, seen through {@link ModelDirectory}. When no implementation is deployed (tenancy
 * used without the gateway) names are not checked beyond their syntax.
 */
@ApplicationScoped
public class KnownModels {

    @Inject
    Instance<ModelDirectory> directory;

    /**
     * Returns {@code model} when it is a catalogue model's public name or alias (an API key's allowed model).
     *
     * @param field the request field, named in the error (e.g. {@code allowedModels[1]})
     * @throws TenancyException.Invalid naming {@code field} and the unknown model, listing the catalogue's models
     */
    public String requireAllowable(String field, String model) {
        if (directory.isResolvable() && directory.get().publicName(model).isEmpty()) {
            throw unknown(field, model, "");
        }
        return model;
    }

    /**
     * Returns {@code model} when it is {@code *} or a catalogue model's public name (a limit's model).
     *
     * @param field the request field, named in the error (e.g. {@code model})
     * @throws TenancyException.Invalid naming {@code field}: the model is unknown, or an alias (the error names the
     *     public name to use)
     */
    public String requireForLimits(String field, String model) {
        if ("*".equals(model) || !directory.isResolvable()) {
            return model;
        }
        Optional<String> publicName = directory.get().publicName(model);
        if (publicName.isEmpty()) {
            throw unknown(field, model, ", or * for every model");
        }
        if (!publicName.get().equals(model)) {
            throw new TenancyException.Invalid(
                    field,
                    field + ": '" + model + "' is an alias of model '" + publicName.get()
                            + "'; limits apply to public model names, so set them on '" + publicName.get() + "'");
        }
        return model;
    }

    /**
     * The public name of the catalogue model {@code model} names by its public name or an alias, or {@code *} (every
     * model) unchanged: the name the quota engine looks limits up by.
     *
     * @param field the request field, named in the error (e.g. {@code model})
     * @throws TenancyException.Invalid naming {@code field} and the unknown model, listing the catalogue's models
     */
    public String requirePublicName(String field, String model) {
        if ("*".equals(model) || !directory.isResolvable()) {
            return model;
        }
        return directory.get().publicName(model).orElseThrow(() -> unknown(field, model, ", or * for every model"));
    }

    private TenancyException.Invalid unknown(String field, String model, String orStar) {
        return new TenancyException.Invalid(
                field,
                field + ": model '" + model + "' is not in the model catalogue (models: "
                        + String.join(", ", directory.get().publicNames()) + orStar + ")");
    }
}
