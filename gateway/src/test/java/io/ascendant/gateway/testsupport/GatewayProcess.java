package io.ascendant.gateway.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged gateway ({@code target/quarkus-app/quarkus-run.jar}, built by the {@code package} phase before
 * failsafe's integration tests) running as a child process on a free loopback port, for integration tests that need
 * real replicas. Its output goes to {@code <dir>/<name>.log} (keep {@code dir} under {@code target/} so the log is an
 * artefact of a failed build). The child gets no {@code QUARKUS_*} or {@code ASCENDANT_*} variable of this JVM, only
 * the ones given.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private GatewayProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code java <JVM flags> -Dquarkus.http.port=<free port> <properties> -jar quarkus-run.jar serve}.
     *
     * @param properties system properties, each {@code -Dname=value}
     * @param environment variables added to the child's environment
     */
    public static GatewayProcess start(String name, Path dir, List<String> properties, Map<String, String> environment)
            throws IOException {
        int port = freePort();
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Dquarkus.analytics.disabled=true",
                "-Dquarkus.http.port=" + port));
        command.addAll(properties);
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("ASCENDANT_"));
        pb.environment().putAll(environment);
        Process process = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new GatewayProcess(name, port, log, process);
    }

    /**
     * A replica on {@code db} with its admin side off (no Keycloak) and no OpenTelemetry export, serving {@code model}
     * from a pool {@code pool} whose one endpoint is {@code hostBaseUrl}: the set-up of the child-process integration
     * tests.
     *
     * @param name the log's name ({@code dir/<name>.log})
     * @param hostname the replica's {@code HOSTNAME} (what tells replicas apart in {@code quota_replica}); its
     *     {@code ASCENDANT_HOME} is {@code dir/home-<hostname>}, so a replica restarted under the same hostname finds
     *     its home again
     * @param pepper the API-key pepper the test seeded its keys with
     * @param extraProperties further {@code -D} settings
     */
    public static GatewayProcess startReplica(
            String name,
            Path dir,
            String hostname,
            TestDatabase db,
            String pepper,
            String model,
            String pool,
            String hostBaseUrl,
            List<String> extraProperties)
            throws IOException {
        List<String> properties = new ArrayList<>(List.of(
                "-Dquarkus.oidc.tenant-enabled=false",
                "-Dquarkus.otel.sdk.disabled=true",
                "-Dgateway.catalogue.pools." + pool + ".endpoints=" + hostBaseUrl,
                "-Dgateway.catalogue.models." + model + ".pool=" + pool));
        properties.addAll(extraProperties);
        return start(
                name,
                dir,
                properties,
                Map.of(
                        "ASCENDANT_HOME", dir.resolve("home-" + hostname).toString(),
                        "ASCENDANT_KEYCLOAK_URL", "http://127.0.0.1:1",
                        "TENANCY_API_KEYS_PEPPER", pepper,
                        "HOSTNAME", hostname,
                        "QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl(),
                        "QUARKUS_DATASOURCE_USERNAME", db.username(),
                        "QUARKUS_DATASOURCE_PASSWORD", db.password()));
    }

    /** The HTTP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Waits until {@code /q/health/ready} answers 200, polling every 500 ms (a liveness wait, not a speed assertion).
     *
     * @throws AssertionError with the log's tail when the process exits or is not ready within {@code timeout}
     */
    public void awaitReady(HttpClient http, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
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
        throw new AssertionError(name + " not ready after " + timeout.toSeconds() + " s:\n" + logTail());
    }

    /** The last 40 lines of the log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * Sends SIGKILL (a crash: nothing drains, flushes or closes; {@code kill -9}) and waits up to 60 s for the process
     * to be gone.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " still running 60 s after SIGKILL");
        }
    }

    /** Sends SIGTERM (the gateway drains and stops its servers), then kills the process after 60 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** A TCP port free on 127.0.0.1 at the time of the call. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
