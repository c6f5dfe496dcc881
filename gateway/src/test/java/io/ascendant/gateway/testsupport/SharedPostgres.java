package io.ascendant.gateway.testsupport;

import io.ascendant.gateway.platform.OrphanGuard;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one PostgreSQL server of a test JVM, and the fresh database every test run gets on it.
 *
 * <p>By default a real PostgreSQL 17 (zonky embedded binaries) is started on a random loopback port the first time
 * {@link #get()} is called, and stopped when the JVM exits (shutdown hook, plus an {@link OrphanGuard} for {@code
 * kill -9}). For fast local iteration, {@code ASCENDANT_TEST_JDBC_URL} (with {@code ASCENDANT_TEST_JDBC_USER} /
 * {@code ASCENDANT_TEST_JDBC_PASSWORD}, default {@code postgres}/{@code postgres}) points at an already running
 * server instead; the user needs {@code CREATEDB}. Either way {@link #runDatabase()} is a database created empty
 * for this JVM, and {@link #createDatabase(String)} makes more (for tests that need an empty schema).
 *
 * <p>Thread safety: {@link #get()} holds a JVM-wide lock; the rest is immutable or opens its own connections.
 */
public final class SharedPostgres {

    private static final Pattern JDBC_URL = Pattern.compile("^(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?$");
    private static final Object JVM_LOCK = "io.ascendant.gateway.testsupport.SharedPostgres".intern();
    private static final String PREFIX_PROPERTY = "ascendant.test.shared-postgres.url-prefix";

    private static SharedPostgres instance;

    private final String serverUrlPrefix;
    private final String maintenanceDatabase;
    private final String username;
    private final String password;
    private final String runDatabase;

    private SharedPostgres(String serverUrlPrefix, String maintenanceDatabase, String username, String password) {
        this(serverUrlPrefix, maintenanceDatabase, username, password, null);
    }

    private SharedPostgres(
            String serverUrlPrefix, String maintenanceDatabase, String username, String password, String runDatabase) {
        this.serverUrlPrefix = serverUrlPrefix;
        this.maintenanceDatabase = maintenanceDatabase;
        this.username = username;
        this.password = password;
        this.runDatabase = runDatabase != null ? runDatabase : createDatabase("ascendant_test");
    }

    /**
     * Returns the server of this JVM, starting it on first use (2-10 s).
     *
     * <p>Trap: a {@code @TestProfile} makes Quarkus restart the application in a new class loader, where this
     * class's statics start empty. The server's coordinates are therefore kept in JVM-wide system properties, under
     * a lock on an interned string (one object per JVM), so every class loader finds the one running server and the
     * one run database.
     */
    public static SharedPostgres get() {
        synchronized (JVM_LOCK) {
            if (instance == null) {
                String prefix = System.getProperty(PREFIX_PROPERTY);
                if (prefix != null) {
                    instance = new SharedPostgres(
                            prefix,
                            System.getProperty(PREFIX_PROPERTY + ".maintenance-db"),
                            System.getProperty(PREFIX_PROPERTY + ".user"),
                            System.getProperty(PREFIX_PROPERTY + ".password"),
                            System.getProperty(PREFIX_PROPERTY + ".run-db"));
                } else {
                    instance = Optional.ofNullable(System.getenv("ASCENDANT_TEST_JDBC_URL"))
                            .filter(url -> !url.isBlank())
                            .map(SharedPostgres::external)
                            .orElseGet(SharedPostgres::embedded);
                    System.setProperty(PREFIX_PROPERTY + ".maintenance-db", instance.maintenanceDatabase);
                    System.setProperty(PREFIX_PROPERTY + ".user", instance.username);
                    System.setProperty(PREFIX_PROPERTY + ".password", instance.password);
                    System.setProperty(PREFIX_PROPERTY + ".run-db", instance.runDatabase);
                    System.setProperty(PREFIX_PROPERTY, instance.serverUrlPrefix);
                }
            }
            return instance;
        }
    }

    private static SharedPostgres external(String url) {
        Matcher m = JDBC_URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "ASCENDANT_TEST_JDBC_URL must look like jdbc:postgresql://host:port/database, got " + url);
        }
        String db = m.group(2).isEmpty() ? "postgres" : m.group(2);
        return new SharedPostgres(
                m.group(1),
                db,
                envOr("ASCENDANT_TEST_JDBC_USER", "postgres"),
                envOr("ASCENDANT_TEST_JDBC_PASSWORD", "postgres"));
    }

    private static SharedPostgres embedded() {
        try {
            Path dataDir = Files.createTempDirectory("ascendant-test-pg-");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "300")
                    .start();
            OrphanGuard.Guard guard = OrphanGuard.watch(postmasterPid(dataDir), false, "INT");
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    pg.close();
                                } catch (IOException e) {
                                    System.err.println("Stopping the test PostgreSQL failed: " + e.getMessage());
                                } finally {
                                    guard.release();
                                }
                            },
                            "ascendant-test-postgres-stop"));
            return new SharedPostgres(
                    "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/", "postgres", "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded test PostgreSQL", e);
        }
    }

    private static long postmasterPid(Path dataDir) throws IOException {
        return Long.parseLong(
                Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
    }

    /**
     * Creates a new, empty database and returns its name.
     *
     * @param prefix lower-case letters, digits and underscores; a timestamp and a random suffix are appended
     */
    public String createDatabase(String prefix) {
        if (!prefix.matches("[a-z][a-z0-9_]{0,30}")) {
            throw new IllegalArgumentException("database prefix must match [a-z][a-z0-9_]{0,30}: " + prefix);
        }
        String name = prefix + "_"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss", Locale.ROOT))
                + "_" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        try (Connection c = DriverManager.getConnection(jdbcUrl(maintenanceDatabase), username, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return serverUrlPrefix + database;
    }

    /** The database created empty for this test JVM (the Quarkus datasource of every @QuarkusTest). */
    public String runDatabase() {
        return runDatabase;
    }

    /** The JDBC URL of {@link #runDatabase()}. */
    public String runJdbcUrl() {
        return jdbcUrl(runDatabase);
    }

    /** The user name (a superuser on the embedded server). */
    public String username() {
        return username;
    }

    /** The password (ignored by the embedded server, which trusts loopback connections). */
    public String password() {
        return password;
    }

    /** Opens a connection to {@code database}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), username, password);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
