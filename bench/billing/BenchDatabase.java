import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;

/**
 * Shared by the billing benchmarks: an embedded PostgreSQL 17 with production-like durability (fsync and
 * synchronous_commit on; zonky's default turns synchronous_commit off) migrated with the project's Flyway scripts.
 */
final class BenchDatabase {
    private BenchDatabase() {}

    static EmbeddedPostgres start(Path migrations) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("shared_buffers", "256MB")
                .setServerConfig("max_wal_size", "2GB")
                .start();
        Flyway.configure()
                .dataSource(pg.getPostgresDatabase())
                .locations("filesystem:" + migrations.toAbsolutePath())
                .load()
                .migrate();
        return pg;
    }
}
