package io.ascendant.gateway.catalogue.admin;

import io.ascendant.admin.problem.ProblemException;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** What every admin write to the catalogue shares: the name rule and the reload once the write has committed. */
final class CatalogueWrites {

    private CatalogueWrites() {}

    /**
     * Reloads this replica's catalogue once the current transaction commits (at once when there is none); other
     * replicas follow within {@code gateway.catalogue.refresh-interval}.
     */
    static void reloadAfterCommit(ModelCatalogue catalogue) {
        try {
            TransactionSynchronizationRegistry tsr = CDI.current()
                    .select(TransactionSynchronizationRegistry.class)
                    .get();
            tsr.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {}

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        catalogue.reloadNow();
                    }
                }
            });
        } catch (RuntimeException e) {
            catalogue.reloadNow();
        }
    }

    /**
     * Checks a model, alias or pool name against the common rule.
     *
     * @throws ProblemException 400 naming {@code field}
     */
    static void requireName(String name, String field) {
        if (name == null || !name.matches("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$")) {
            throw ProblemException.invalid(field, "names are 1-128 characters of letters, digits and . _ : / -");
        }
    }
}
