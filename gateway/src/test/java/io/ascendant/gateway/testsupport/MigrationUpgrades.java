package io.ascendant.gateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * For tests of an upgrade from a previous release: the schema as it was (the migrations without the new ones) and
 * Flyway configured as the gateway configures it, to migrate that schema to the current one.
 */
public final class MigrationUpgrades {
    private MigrationUpgrades() {}

    /**
     * Flyway as the gateway configures it in its {@code application.properties} (locations, validate on migrate, out
     * of order), on the given database; clean disabled.
     */
    public static FluentConfiguration gatewayFlyway(String jdbcUrl, String username, String password)
            throws IOException {
        Properties app = new Properties();
        try (InputStream in = MigrationUpgrades.class.getClassLoader().getResourceAsStream("application.properties")) {
            app.load(in);
        }
        return Flyway.configure()
                .dataSource(jdbcUrl, username, password)
                .locations("classpath:" + app.getProperty("quarkus.flyway.locations"))
                .validateOnMigrate(Boolean.parseBoolean(app.getProperty("quarkus.flyway.validate-on-migrate", "true")))
                .outOfOrder(Boolean.parseBoolean(app.getProperty("quarkus.flyway.out-of-order", "false")))
                .cleanDisabled(true);
    }

    /**
     * A new temporary directory with the SQL migrations on the classpath ({@code db/migration}) except those whose
     * names start with one of {@code prefixes} (such as {@code "V014__"}): the schema of an earlier release.
     */
    public static Path migrationsWithout(List<String> prefixes) throws IOException, URISyntaxException {
        URI uri = MigrationUpgrades.class
                .getClassLoader()
                .getResource("db/migration")
                .toURI();
        Path target = Files.createTempDirectory("migrations-before-");
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                copySql(jar.getPath("db/migration"), target, prefixes);
            }
        } else {
            copySql(Path.of(uri), target, prefixes);
        }
        return target;
    }

    private static void copySql(Path from, Path to, List<String> skippedPrefixes) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".sql") && skippedPrefixes.stream().noneMatch(name::startsWith)) {
                    Files.copy(f, to.resolve(name));
                }
            }
        }
    }
}
