package io.ascendant.gateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.Map;

/**
 * Global test resource: every {@code @QuarkusTest} of the gateway module gets the run's fresh database on the shared
 * PostgreSQL ({@link SharedPostgres}). Quarkus may call {@link #start()} again when a test profile restarts the
 * application; the server and the database stay the same for the whole JVM and are stopped at JVM exit.
 */
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL, parallel = true)
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        SharedPostgres pg = SharedPostgres.get();
        return Map.of(
                "quarkus.datasource.jdbc.url", pg.runJdbcUrl(),
                "quarkus.datasource.username", pg.username(),
                "quarkus.datasource.password", pg.password());
    }

    @Override
    public void stop() {
        // The server outlives application restarts; SharedPostgres stops it when the JVM exits.
    }
}
