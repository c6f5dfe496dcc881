package io.ascendant.gateway.catalogue;

import io.ascendant.tenancy.catalogue.ModelDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Tenancy's view of the live model catalogue: the admin API refuses allowed models that name a model this catalogue
 * does not route (by public name or alias), and limits whose model is not a public name of it. Reads this replica's current snapshot, which follows admin
 * changes within {@code gateway.catalogue.refresh-interval}.
 */
@ApplicationScoped
public class CatalogueModelDirectory implements ModelDirectory {

    @Inject
    ModelCatalogue catalogue;

    @Override
    public Optional<String> publicName(String model) {
        return model == null ? Optional.empty() : catalogue.resolve(model).map(ModelRoute::publicName);
    }

    @Override
    public List<String> publicNames() {
        return catalogue.snapshot().routes().stream()
                .map(ModelRoute::publicName)
                .sorted()
                .toList();
    }
}
