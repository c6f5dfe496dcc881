package io.ascendant.gateway.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;

/**
 * Readiness is DOWN while Flyway reports pending migrations: a data-plane replica started before {@code ascendant
 * migrate} (or the Helm migration Job) has finished must not receive traffic against an old schema. PostgreSQL
 * reachability itself is covered by the datasource's own readiness check.
 */
@Readiness
@ApplicationScoped
public class MigrationsReadinessCheck implements HealthCheck {

    @Inject
    Flyway flyway;

    @Override
    public HealthCheckResponse call() {
        try {
            int pending = flyway.info().pending().length;
            var current = flyway.info().current();
            return HealthCheckResponse.named("schema-migrations")
                    .status(pending == 0)
                    .withData("pending", pending)
                    .withData(
                            "version",
                            current == null ? "none" : current.getVersion().getVersion())
                    .build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("schema-migrations")
                    .down()
                    .withData("error", e.getClass().getSimpleName())
                    .build();
        }
    }
}
