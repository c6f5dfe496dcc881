package io.ascendant.gateway.testsupport;

import io.ascendant.gateway.platform.OrphanGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The one Keycloak server of a test JVM: realm {@code ascendant} from {@code deploy/keycloak/realm-ascendant.json},
 * plus the test clients and test users that {@link KeycloakTokens} needs.
 *
 * <p>By default the real Keycloak distribution ({@code keycloak-quarkus-dist}, unpacked once per machine by the
 * gateway build into {@code ~/.ascendant/cache/keycloak-<version>}) is started in dev mode with an in-memory
 * database on random loopback ports. Each JVM runs it from a private home directory (copies of {@code bin/},
 * {@code conf/} and the small generated {@code lib/quarkus/}; links to the 170 MB of jars and themes), so parallel
 * test runs never share state. The first run on a machine pays Keycloak's build step (~40 s) and caches its output
 * next to the distribution; later runs start in ~20 s.
 *
 * <p>For fast local iteration {@code ASCENDANT_TEST_KEYCLOAK_URL} (with {@code ASCENDANT_TEST_KEYCLOAK_ADMIN} /
 * {@code ASCENDANT_TEST_KEYCLOAK_ADMIN_PASSWORD}, default {@code admin}/{@code admin}) reuses a running server; the
 * realm is created there if it does not exist yet.
 *
 * <p>Lifecycle trap: {@code kc.sh} runs Keycloak as a child JVM (and re-executes it after a build), so killing the
 * script's PID is not enough. The server is started through {@code setsid} and the whole process group is
 * signalled, by a shutdown hook and, if this JVM is killed with {@code kill -9}, by an {@link OrphanGuard}.
 */
public final class SharedKeycloak {

    /** The realm every admin token comes from. */
    public static final String REALM = "ascendant";

    private static final Duration START_TIMEOUT =
            Duration.ofSeconds(Long.getLong("ascendant.test.keycloak.start-timeout-s", 300));
    /** Build-time options; a change here invalidates the cached build (the hash is part of its directory name). */
    private static final List<String> BUILD_OPTIONS = List.of("--db=dev-mem", "--health-enabled=true");

    private static final Object JVM_LOCK = "io.ascendant.gateway.testsupport.SharedKeycloak".intern();
    private static final String URL_PROPERTY = "ascendant.test.shared-keycloak.url";
    private static final String ADMIN_USER_PROPERTY = "ascendant.test.shared-keycloak.admin";
    private static final String ADMIN_PASSWORD_PROPERTY = "ascendant.test.shared-keycloak.admin-password";

    private static SharedKeycloak instance;

    private final String baseUrl;
    private final KeycloakTokens tokens;

    private SharedKeycloak(String baseUrl, String adminUser, String adminPassword) {
        this.baseUrl = baseUrl;
        this.tokens = new KeycloakTokens(baseUrl, adminUser, adminPassword);
        tokens.provisionRealm(realmFile());
    }

    /**
     * Returns the server of this JVM, starting it on first use (20-60 s).
     *
     * <p>Trap: a {@code @TestProfile} makes Quarkus restart the application in a new class loader, where this
     * class's statics start empty. The server's coordinates are therefore kept in JVM-wide system properties, under
     * a lock on an interned string (one object per JVM), so every class loader finds the one running server.
     */
    public static SharedKeycloak get() {
        synchronized (JVM_LOCK) {
            if (instance == null) {
                String url = System.getProperty(URL_PROPERTY);
                if (url == null) {
                    String external = System.getenv("ASCENDANT_TEST_KEYCLOAK_URL");
                    String adminUser;
                    String adminPassword;
                    if (external != null && !external.isBlank()) {
                        url = external.replaceAll("/+$", "");
                        adminUser = envOr("ASCENDANT_TEST_KEYCLOAK_ADMIN", "admin");
                        adminPassword = envOr("ASCENDANT_TEST_KEYCLOAK_ADMIN_PASSWORD", "admin");
                    } else {
                        adminUser = "admin";
                        adminPassword = UUID.randomUUID().toString();
                        url = startEmbedded(adminPassword);
                    }
                    System.setProperty(ADMIN_USER_PROPERTY, adminUser);
                    System.setProperty(ADMIN_PASSWORD_PROPERTY, adminPassword);
                    System.setProperty(URL_PROPERTY, url);
                }
                instance = new SharedKeycloak(
                        url, System.getProperty(ADMIN_USER_PROPERTY), System.getProperty(ADMIN_PASSWORD_PROPERTY));
            }
            return instance;
        }
    }

    /** The server's base URL, for example {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The issuer and OIDC auth-server URL of realm {@code ascendant}. */
    public String realmUrl() {
        return baseUrl + "/realms/" + REALM;
    }

    /** The token and user helper bound to this server. */
    public KeycloakTokens tokens() {
        return tokens;
    }

    private static Path realmFile() {
        Path file = Path.of(System.getProperty("ascendant.test.realm-file", "../deploy/keycloak/realm-ascendant.json"));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Realm file not found: " + file.toAbsolutePath()
                    + " (system property ascendant.test.realm-file, set by the gateway's surefire configuration)");
        }
        return file;
    }

    private static String startEmbedded(String adminPassword) {
        Path dist = Path.of(System.getProperty(
                "ascendant.test.keycloak.dist", System.getProperty("user.home") + "/.ascendant/cache/keycloak-26.7.3"));
        if (!Files.isExecutable(dist.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("Keycloak distribution not found in " + dist
                    + ": run the gateway build (./mvnw -pl gateway -am verify), which unpacks"
                    + " org.keycloak:keycloak-quarkus-dist there, or set ASCENDANT_TEST_KEYCLOAK_URL");
        }
        try {
            Path cachedBuild = dist.resolveSibling(dist.getFileName() + "-dev-build-"
                    + Integer.toHexString(String.join(" ", BUILD_OPTIONS).hashCode()));
            boolean haveBuild = Files.isRegularFile(cachedBuild.resolve("quarkus-application.dat"));
            Path home = prepareHome(dist, haveBuild ? cachedBuild : dist.resolve("lib/quarkus"));
            int httpPort = freePort();
            int managementPort = freePort();
            Path log = home.resolve("keycloak.log");

            List<String> command =
                    new ArrayList<>(List.of("setsid", home.resolve("bin/kc.sh").toString(), "start-dev"));
            command.addAll(BUILD_OPTIONS);
            command.addAll(List.of(
                    "--http-host=127.0.0.1",
                    "--http-port=" + httpPort,
                    "--http-management-port=" + managementPort,
                    "--log-level=warn,org.keycloak.quarkus.runtime.KeycloakMain:info,io.quarkus:info"));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            Process process = pb.start();
            OrphanGuard.Guard guard = OrphanGuard.watch(process.pid(), true, "TERM");
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> stop(process, guard, home), "ascendant-test-keycloak-stop"));

            awaitReady(process, "http://127.0.0.1:" + managementPort + "/health/ready", log);
            if (!haveBuild) {
                cacheBuild(home.resolve("lib/quarkus"), cachedBuild);
            }
            return "http://127.0.0.1:" + httpPort;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the test Keycloak", e);
        }
    }

    private static Path prepareHome(Path dist, Path quarkusBuild) throws IOException {
        Path home = Files.createTempDirectory("ascendant-test-keycloak-");
        copyTree(dist.resolve("bin"), home.resolve("bin"));
        copyTree(dist.resolve("conf"), home.resolve("conf"));
        Files.createDirectories(home.resolve("providers"));
        Path lib = Files.createDirectories(home.resolve("lib"));
        copyTree(dist.resolve("lib/app"), lib.resolve("app"));
        Files.copy(dist.resolve("lib/quarkus-run.jar"), lib.resolve("quarkus-run.jar"));
        copyTree(quarkusBuild, lib.resolve("quarkus"));
        Files.createSymbolicLink(lib.resolve("lib"), dist.resolve("lib/lib").toAbsolutePath());
        Files.createSymbolicLink(home.resolve("themes"), dist.resolve("themes").toAbsolutePath());
        try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
            scripts.filter(p -> p.toString().endsWith(".sh"))
                    .forEach(p -> p.toFile().setExecutable(true));
        }
        return home;
    }

    private static void awaitReady(Process process, String healthUrl, Path log) {
        HttpClient http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with status " + process.exitValue()
                        + " during start; log tail:\n" + tail(log));
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(healthUrl))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            sleep(500);
        }
        throw new IllegalStateException(
                "Keycloak was not ready after " + START_TIMEOUT.toSeconds() + " s; log tail:\n" + tail(log));
    }

    private static void stop(Process process, OrphanGuard.Guard guard, Path home) {
        try {
            ProcessHandle.of(process.pid()).ifPresent(h -> signalGroup(process.pid(), "TERM"));
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                signalGroup(process.pid(), "KILL");
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            // The JVM child may outlive the script by a moment: wait for the whole group to be gone.
            for (int i = 0; i < 100 && groupAlive(process.pid()); i++) {
                sleep(100);
            }
            if (groupAlive(process.pid())) {
                signalGroup(process.pid(), "KILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            guard.release();
            deleteTree(home);
        }
    }

    private static void signalGroup(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            System.err.println("Could not signal Keycloak's process group " + pgid + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean groupAlive(long pgid) {
        try {
            return new ProcessBuilder("kill", "-0", "--", "-" + pgid)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void cacheBuild(Path builtQuarkusDir, Path cachedBuild) {
        Path staging = cachedBuild.resolveSibling(cachedBuild.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            copyTree(builtQuarkusDir, staging);
            Files.move(staging, cachedBuild, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            deleteTree(staging); // another JVM cached it first
        } catch (IOException e) {
            deleteTree(staging);
            System.err.println("Could not cache Keycloak's build in " + cachedBuild + ": " + e.getMessage());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not delete " + root + ": " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String envOr(String name, String fallback) {
        return Optional.ofNullable(System.getenv(name))
                .filter(v -> !v.isBlank())
                .orElse(fallback);
    }
}
