package io.ascendant.gateway.platform;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the gateway ({@code java -jar quarkus-run.jar [command]}):
 *
 * <ul>
 *   <li>{@code serve} (default): runs the gateway. Without {@code QUARKUS_DATASOURCE_JDBC_URL} it first starts the
 *       embedded PostgreSQL ({@link EmbeddedPostgresServer}, settings in {@link EmbeddedPostgresSettings}) and
 *       stops it after the application on shutdown, Ctrl-C included.
 *   <li>{@code migrate}: applies the Flyway migrations and exits (for installs with several replicas).
 *   <li>{@code postgres [database...]}: runs only the embedded PostgreSQL, creating the named databases, until
 *       SIGTERM/SIGINT; the launcher uses it so PostgreSQL is up before Keycloak. Prints {@code READY <port>}.
 * </ul>
 *
 * Operator-fixable failures print one sentence to stderr and exit with status 78 (EX_CONFIG), no stack trace.
 */
@QuarkusMain
public final class GatewayMain {

    /** Exit status for a {@link PlatformStartupException}. */
    public static final int EXIT_CONFIG = 78;

    /** The database the gateway uses inside the embedded PostgreSQL. */
    public static final String GATEWAY_DATABASE = "ascendant";

    private GatewayMain() {}

    /** Dispatches the command; see the class comment. */
    public static void main(String... args) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "serve" -> serve(rest);
                case "migrate" -> migrate(rest);
                case "postgres" -> postgres(rest);
                default -> {
                    System.err.println("Unknown command '" + command + "': use serve, migrate or postgres.");
                    System.exit(2);
                }
            }
        } catch (PlatformStartupException e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_CONFIG);
        }
    }

    private static void serve(String[] args) {
        startEmbeddedDatabaseIfNeeded();
        // Quarkus reads it once, when its HTTP layer loads: MalformedUrlFilter checks URLs instead and answers a bad
        // one in the addressed API's error shape rather than with Quarkus' empty 400.
        System.setProperty(MalformedUrlFilter.QUARKUS_URI_VALIDATION_OFF, "true");
        Quarkus.run(args);
    }

    private static void migrate(String[] args) {
        startEmbeddedDatabaseIfNeeded();
        System.setProperty("quarkus.flyway.migrate-at-start", "true");
        System.setProperty("quarkus.http.port", "0");
        System.setProperty("quarkus.http.host", "127.0.0.1");
        System.setProperty("quarkus.oidc.tenant-enabled", "false");
        System.setProperty("quarkus.scheduler.enabled", "false");
        // Serves no request: never opens (or replays) a gateway's usage journal, which a running gateway may hold.
        System.setProperty("gateway.metering.acknowledge", "ledger");
        Quarkus.run(MigrateCommand.class, args);
    }

    private static void postgres(String[] databases) {
        EmbeddedPostgresServer server =
                EmbeddedPostgresServer.start(EmbeddedPostgresSettings.from(System.getenv(), System.getProperties()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "ascendant-postgres-stop"));
        for (String database : databases.length == 0 ? new String[] {GATEWAY_DATABASE} : databases) {
            server.ensureDatabase(database);
        }
        System.out.println("READY " + server.port());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * In {@link DatabaseMode#EMBEDDED} starts PostgreSQL and points the datasource at it through system properties
     * (which outrank application.properties); registers the shutdown hook that stops it after Quarkus.
     */
    static void startEmbeddedDatabaseIfNeeded() {
        if (DatabaseMode.resolve(System.getenv(), System.getProperties()) == DatabaseMode.EXTERNAL) {
            return;
        }
        EmbeddedPostgresServer server =
                EmbeddedPostgresServer.start(EmbeddedPostgresSettings.from(System.getenv(), System.getProperties()));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            awaitApplicationStopped();
                            server.close();
                        },
                        "ascendant-postgres-stop"));
        server.ensureDatabase(GATEWAY_DATABASE);
        System.setProperty("quarkus.datasource.jdbc.url", server.jdbcUrl(GATEWAY_DATABASE));
        System.setProperty("quarkus.datasource.username", EmbeddedPostgresServer.USER);
        System.setProperty("quarkus.datasource.password", server.password());
    }

    /**
     * The application's own shutdown hook runs concurrently with ours: wait (bounded) until it has stopped, so that
     * in-flight transactions (usage ledger batches) commit before PostgreSQL goes away.
     */
    private static void awaitApplicationStopped() {
        Application app = Application.currentApplication();
        if (app == null) {
            return;
        }
        Thread waiter = new Thread(app::awaitShutdown, "ascendant-await-app-stop");
        waiter.setDaemon(true);
        waiter.start();
        try {
            waiter.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Commands this entry point understands (for usage messages and tests). */
    static List<String> commands() {
        return List.of("serve", "migrate", "postgres");
    }
}
