package io.ascendant.gateway.platform;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * {@code migrate}: Flyway has already applied every pending migration during start-up ({@code
 * quarkus.flyway.migrate-at-start} is forced on); report the schema version and exit 0, or 1 if anything is still
 * pending.
 */
public class MigrateCommand implements QuarkusApplication {

    @Inject
    Flyway flyway;

    @Override
    public int run(String... args) {
        var info = flyway.info();
        MigrationInfo current = info.current();
        int pending = info.pending().length;
        System.out.println("Schema version "
                + (current == null ? "none" : current.getVersion().getVersion()) + ", " + info.applied().length
                + " migrations applied, " + pending + " pending.");
        return pending == 0 ? 0 : 1;
    }
}
