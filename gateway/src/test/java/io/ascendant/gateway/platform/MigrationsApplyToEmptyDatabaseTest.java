package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/**
 * Every migration of {@code src-migrations} applies, in order, to a brand-new empty database, and a second run
 * applies nothing. Plain JUnit (no Quarkus): this is exactly what {@code ascendant migrate} does.
 */
class MigrationsApplyToEmptyDatabaseTest {

    @Test
    void appliesAllMigrationsToEmptyDatabaseOnce() throws Exception {
        SharedPostgres pg = SharedPostgres.get();
        String db = pg.createDatabase("migrations_empty");
        Flyway flyway = Flyway.configure()
                .dataSource(pg.jdbcUrl(db), pg.username(), pg.password())
                .locations("classpath:db/migration")
                .cleanDisabled(true)
                .load();

        MigrateResult first = flyway.migrate();
        MigrateResult second = flyway.migrate();

        assertThat(first.success).isTrue();
        assertThat(first.migrationsExecuted).isGreaterThanOrEqualTo(1);
        assertThat(first.migrations.getFirst().version).isEqualTo("001");
        assertThat(second.migrationsExecuted).isZero();
        assertThat(flyway.info().pending()).isEmpty();
        try (Connection c = pg.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), min(instance_id::text) FROM platform_instance")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).hasSize(36);
        }
    }
}
