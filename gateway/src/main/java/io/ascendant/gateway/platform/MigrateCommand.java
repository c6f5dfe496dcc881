package io.ascendant.gateway.platform;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * {@code migrate}: Flyway has already applied every pending migration during start-up ({@code
 * quarkus.flyway.migrate-at-start} is forced on); report the schema version, how many migrations this run applied
 * and how many are applied in total ({@code Schema version 20: 3 migrations applied now, 20 in total, 0 pending.}),
 * and exit 0, or 1 if anything is still pending.
 */
public class MigrateCommand implements QuarkusApplication {

    @Inject
    Flyway flyway;

    @Inject
    MigrationCounter counter;

    @Override
    public int run(String... args) {
        var info = flyway.info();
        MigrationInfo current = info.current();
        int pending = info.pending().length;
        System.out.println(message(
                current == null ? "none" : current.getVersion().getVersion(),
                counter.appliedNow(),
                info.applied().length,
                pending));
        return pending == 0 ? 0 : 1;
    }

    /** The line {@code migrate} prints, such as {@code Schema version 20: 0 migrations applied now, 20 in total, 0 pending.} */
    static String message(String version, int appliedNow, int appliedInTotal, int pending) {
        return "Schema version " + version + ": " + appliedNow + (appliedNow == 1 ? " migration" : " migrations")
                + " applied now, " + appliedInTotal + " in total, " + pending + " pending.";
    }
}
