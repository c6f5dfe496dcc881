package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.SharedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway ({@code target/quarkus-app/quarkus-run.jar}, as operators run it) switches between its
 * embedded PostgreSQL and an external one, keeps data across restarts, stops PostgreSQL with itself, and migrates
 * on its own with {@code migrate}. Runs in the integration-test phase, after packaging.
 */
class EmbeddedDefaultDatabaseIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final String PEPPER = "it-only-pepper-0123456789abcdef0123456789";

    @TempDir
    Path home;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopGateways() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void startsEmbeddedPostgresWithoutJdbcUrlAndKeepsDataAcrossRestart() throws Exception {
        int pgPort = freePort();
        Map<String, String> env = Map.of("ASCENDANT_HOME", home.toString(), "ASCENDANT_POSTGRES_PORT", "" + pgPort);

        Process first = startGateway(env, "serve");
        String instanceId = instanceId(pgPort);
        long postmaster = Long.parseLong(Files.readAllLines(home.resolve("data/postgres/postmaster.pid"))
                .getFirst()
                .trim());
        stop(first);

        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                .as("PostgreSQL stops with the gateway")
                .isFalse();
        assertThat(home.resolve("data/postgres/postmaster.pid")).doesNotExist();

        Process second = startGateway(env, "serve");
        assertThat(instanceId(pgPort)).as("rows survive a restart").isEqualTo(instanceId);
        stop(second);
    }

    @Test
    void usesExternalPostgresWhenJdbcUrlIsConfigured() throws Exception {
        SharedPostgres pg = SharedPostgres.get();
        String db = pg.createDatabase("it_external");
        Map<String, String> env = Map.of(
                "ASCENDANT_HOME", home.toString(),
                "QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(db),
                "QUARKUS_DATASOURCE_USERNAME", pg.username(),
                "QUARKUS_DATASOURCE_PASSWORD", pg.password());

        stop(startGateway(env, "serve"));

        assertThat(home.resolve("data/postgres"))
                .as("no embedded PostgreSQL was started")
                .doesNotExist();
        assertThat(home.resolve("data/usage-journal"))
                .as("the gateway's usage journal")
                .isDirectory();
        try (Connection c = pg.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM platform_instance")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void migrateAppliesTheSchemaAndExitsSayingHowManyItAppliedNowAndInTotal() throws Exception {
        SharedPostgres pg = SharedPostgres.get();
        String db = pg.createDatabase("it_migrate");
        Map<String, String> env = Map.of(
                "ASCENDANT_HOME", home.toString(),
                "QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(db),
                "QUARKUS_DATASOURCE_USERNAME", pg.username(),
                "QUARKUS_DATASOURCE_PASSWORD", pg.password());

        Process migrate = launch(env, "migrate");
        assertThat(migrate.waitFor(240, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(home.resolve("gateway.log"), StandardCharsets.UTF_8);
        assertThat(migrate.exitValue()).as(output).isZero();
        java.util.regex.Matcher first = java.util.regex.Pattern.compile(
                        "Schema version \\S+: (\\d+) migrations applied now, (\\d+) in total, 0 pending\\.")
                .matcher(output);
        assertThat(first.find()).as(output).isTrue();
        assertThat(first.group(1)).isEqualTo(first.group(2)).isNotEqualTo("0");

        // A second run finds the schema current: it applies none, and says so.
        Files.delete(home.resolve("gateway.log"));
        Process again = launch(env, "migrate");
        assertThat(again.waitFor(240, TimeUnit.SECONDS)).isTrue();
        String second = Files.readString(home.resolve("gateway.log"), StandardCharsets.UTF_8);
        assertThat(again.exitValue()).as(second).isZero();
        assertThat(second).contains(": 0 migrations applied now, " + first.group(2) + " in total, 0 pending.");
        try (Connection c = pg.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT bool_and(success) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    private Process startGateway(Map<String, String> env, String command) throws Exception {
        int httpPort = freePort();
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        Process p = launch(all, command);
        awaitReady(p, httpPort);
        return p;
    }

    private Process launch(Map<String, String> env, String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                JAR.toAbsolutePath().toString(),
                command);
        pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("ASCENDANT_"));
        // Keycloak is not needed here; a closed port keeps OIDC from reaching anything.
        pb.environment().put("ASCENDANT_KEYCLOAK_URL", "http://127.0.0.1:1");
        pb.environment().put("TENANCY_API_KEYS_PEPPER", PEPPER);
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("gateway.log").toFile()))
                .start();
        started.add(p);
        return p;
    }

    private void awaitReady(Process p, int port) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("gateway exited with " + p.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("gateway not ready after 300 s:\n" + logTail());
    }

    private void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM, like Ctrl-C through the launcher or a Kubernetes stop
        assertThat(p.waitFor(90, TimeUnit.SECONDS))
                .as("gateway stops within 90 s")
                .isTrue();
    }

    private String instanceId(int pgPort) throws Exception {
        String password =
                Files.readString(home.resolve("data/postgres.password")).trim();
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + pgPort + "/ascendant", "postgres", password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT instance_id::text FROM platform_instance")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("gateway.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
