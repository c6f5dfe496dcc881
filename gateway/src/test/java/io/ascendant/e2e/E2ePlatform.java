package io.ascendant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.SharedKeycloak;
import io.ascendant.gateway.testsupport.SharedPostgres;
import io.ascendant.modelhost.api.HostContract;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform as operators run it, for {@link PlatformEndToEndIT}: the packaged gateway ({@code
 * gateway/target/quarkus-app}) and the real model-host server ({@code model-host/server/target/quarkus-app}, built
 * earlier in the reactor) as separate processes, the host serving the generated {@code demo} checkpoint, the gateway
 * on the run's real PostgreSQL (a database of its own) and Keycloak ({@link SharedPostgres}, {@link SharedKeycloak}).
 * Logs and state go to {@code gateway/target/e2e-platform}.
 *
 * <p>Starting it takes minutes (two JVMs, the checkpoint on first use), so a test class starts it once, in
 * {@code @BeforeAll}, and closes it in {@code @AfterAll}. Besides the processes it reads what the tests compare
 * against: the host's per-request log line, the gateway's usage rows, the host's running-requests gauge.
 */
final class E2ePlatform implements AutoCloseable {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SERVER = ROOT.resolve("model-host/server/target/quarkus-app");
    private static final Path GATEWAY = ROOT.resolve("gateway/target/quarkus-app");
    private static final Path WORK = ROOT.resolve("gateway/target/e2e-platform");
    private static final Path HOST_LOG = WORK.resolve("model-host.log");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Pattern HOST_FIELD = Pattern.compile("(\\w+)=([0-9]+)(?=\\s|$)");

    private final Process host;
    private final Process gateway;
    private final String hostBase;
    private final String gatewayBase;
    private final String database;
    private final KeycloakTokens keycloak;

    private E2ePlatform(
            Process host,
            Process gateway,
            String hostBase,
            String gatewayBase,
            String database,
            KeycloakTokens keycloak) {
        this.host = host;
        this.gateway = gateway;
        this.hostBase = hostBase;
        this.gatewayBase = gatewayBase;
        this.database = database;
        this.keycloak = keycloak;
    }

    /** Starts host and gateway, with {@code model} routed to the host's pool, and waits until both are ready. */
    static E2ePlatform start(String model) throws Exception {
        assertThat(SERVER.resolve("quarkus-run.jar"))
                .as("the model-host server is built before the gateway in the reactor")
                .exists();
        assertThat(GATEWAY.resolve("quarkus-run.jar"))
                .as("the gateway is packaged before the integration tests")
                .exists();
        Files.createDirectories(WORK);

        Path demo = ROOT.resolve("gateway/target/e2e-demo-checkpoint");
        if (!Files.exists(demo.resolve("config.json"))) {
            Process gen = new ProcessBuilder(
                            java(),
                            "--add-modules",
                            "jdk.incubator.vector",
                            "-cp",
                            SERVER.resolve("lib/main") + "/*",
                            "io.ascendant.engine.demo.GenerateDemoCheckpoint",
                            demo.toString(),
                            "demo")
                    .redirectErrorStream(true)
                    .redirectOutput(WORK.resolve("demo-checkpoint.log").toFile())
                    .start();
            assertThat(gen.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(gen.exitValue()).isZero();
        }

        int hostPort = freePort();
        String hostBase = "http://127.0.0.1:" + hostPort;
        Process host = startProcess(
                List.of(
                        java(),
                        "-Xmx2g",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dquarkus.http.port=" + hostPort,
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.analytics.disabled=true",
                        "-Dmodelhost.model-dir=" + demo,
                        "-Dmodelhost.kv-cache-bytes=268435456",
                        "-Dmodelhost.prefix-cache.bytes=67108864",
                        "-jar",
                        SERVER.resolve("quarkus-run.jar").toString()),
                Map.of(),
                HOST_LOG);

        Process gateway = null;
        try {
            // The host loads and Keycloak starts at the same time.
            SharedPostgres pg = SharedPostgres.get();
            String database = pg.createDatabase("e2e_platform");
            SharedKeycloak kc = SharedKeycloak.get();
            KeycloakTokens keycloak = kc.tokens();
            int gatewayPort = freePort();
            String gatewayBase = "http://127.0.0.1:" + gatewayPort;
            gateway = startProcess(
                    gatewayCommand(model, hostBase),
                    gatewayEnv(pg, database, kc, keycloak, gatewayPort),
                    WORK.resolve("gateway.log"));
            awaitUp(host, hostBase + HostContract.HEALTH, HOST_LOG);
            awaitUp(gateway, gatewayBase + "/q/health/ready", WORK.resolve("gateway.log"));
            return new E2ePlatform(host, gateway, hostBase, gatewayBase, database, keycloak);
        } catch (Exception | Error e) {
            // A platform that did not come up is not returned, so nobody else would stop what did start.
            new E2ePlatform(host, gateway, hostBase, null, null, null).close();
            throw e;
        }
    }

    private static List<String> gatewayCommand(String model, String hostBase) {
        return List.of(
                java(),
                "-Xmx768m",
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Dquarkus.analytics.disabled=true",
                "-Dgateway.catalogue.pools.local-cpu.endpoints=" + hostBase,
                "-Dgateway.catalogue.pools.local-cpu.accelerator=CPU",
                "-Dgateway.catalogue.models." + model + ".pool=local-cpu",
                "-jar",
                GATEWAY.resolve("quarkus-run.jar").toString(),
                "serve");
    }

    /** The gateway's environment: the run's database and Keycloak; inherited QUARKUS_ and ASCENDANT_ are dropped. */
    private static Map<String, String> gatewayEnv(
            SharedPostgres pg, String database, SharedKeycloak kc, KeycloakTokens keycloak, int port) {
        String secret = keycloak.platformClientSecret();
        Map<String, String> env = new HashMap<>();
        env.put("ASCENDANT_HOME", WORK.resolve("home").toString());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", pg.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", pg.password());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("ASCENDANT_KEYCLOAK_URL", kc.baseUrl());
        env.put("ASCENDANT_PLATFORM_CLIENT_SECRET", secret);
        env.put("QUARKUS_KEYCLOAK_ADMIN_CLIENT_SERVER_URL", kc.baseUrl());
        env.put("QUARKUS_KEYCLOAK_ADMIN_CLIENT_CLIENT_SECRET", secret);
        env.put("TENANCY_API_KEYS_PEPPER", "e2e-only-pepper-0123456789abcdef0123456789");
        return env;
    }

    /** Stops the gateway, then the host (SIGTERM, then SIGKILL after a minute each). */
    @Override
    public void close() throws InterruptedException {
        for (Process p : new Process[] {gateway, host}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** The gateway's base URL ({@code http://127.0.0.1:<port>}). */
    String gatewayBase() {
        return gatewayBase;
    }

    /** Tokens of the run's Keycloak (the platform admin's, for the admin API). */
    KeycloakTokens keycloak() {
        return keycloak;
    }

    /** A connection to the gateway's database. */
    private Connection connect() throws SQLException {
        return SharedPostgres.get().connect(database);
    }

    /** POSTs JSON to the gateway with a bearer token and an {@code x-request-id}. */
    HttpResponse<String> post(String path, String token, String requestId, String json)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gatewayBase + path))
                        .timeout(Duration.ofMinutes(2))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + token)
                        .header(HostContract.HEADER_REQUEST_ID, requestId)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Calls the gateway's admin API with an access token; {@code json} may be null for no body. */
    HttpResponse<String> admin(String token, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gatewayBase + path))
                .timeout(Duration.ofMinutes(1))
                .header("authorization", "Bearer " + token)
                .header("accept", "application/json");
        if (json != null) {
            b.header("content-type", "application/json");
        }
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The numbers of the host's one log line for request {@code id} (it is written when the request ends). */
    Map<String, Long> hostLogLine(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (String line : Files.readAllLines(HOST_LOG, StandardCharsets.UTF_8)) {
                if (line.contains("request_id=" + id + " ")) {
                    Map<String, Long> out = new HashMap<>();
                    Matcher m = HOST_FIELD.matcher(line);
                    while (m.find()) {
                        out.put(m.group(1), Long.parseLong(m.group(2)));
                    }
                    assertThat(out).containsKeys("prompt_tokens", "cached_tokens", "completion_tokens");
                    return out;
                }
            }
            assertThat(System.nanoTime()).as("host log line for " + id).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * The usage row of client request {@code id} once it is stored (30 s at most): tenant_id, model, status, the three
     * token counts (Long), currency, price_window, amount (BigDecimal) and finished_at (Instant).
     */
    Map<String, Object> awaitLedgerRow(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = connect();
                    PreparedStatement ps =
                            c.prepareStatement("SELECT * FROM usage_ledger WHERE client_request_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Map<String, Object> row = new HashMap<>();
                        row.put("tenant_id", rs.getObject("tenant_id"));
                        row.put("model", rs.getString("model"));
                        row.put("status", rs.getString("status"));
                        row.put("cache_hit_tokens", rs.getLong("cache_hit_tokens"));
                        row.put("cache_miss_tokens", rs.getLong("cache_miss_tokens"));
                        row.put("output_tokens", rs.getLong("output_tokens"));
                        row.put("currency", rs.getString("currency"));
                        row.put("price_window", rs.getString("price_window"));
                        row.put("amount", rs.getBigDecimal("amount"));
                        row.put("finished_at", rs.getTimestamp("finished_at").toInstant());
                        return row;
                    }
                }
            }
            assertThat(System.nanoTime()).as("ledger row for " + id).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** One row of {@code invoice_line}: the token class and price window it bills, and its figures. */
    record InvoiceLineRow(
            String tokenClass,
            String window,
            long quantityTokens,
            BigDecimal unitPricePerMtok,
            BigDecimal amountPrecise,
            BigDecimal amount) {}

    /** The lines of invoice {@code invoiceId} in line order. */
    List<InvoiceLineRow> invoiceLines(String invoiceId) throws SQLException {
        List<InvoiceLineRow> out = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT token_class, price_window, quantity_tokens,"
                        + " unit_price_per_mtok, amount_precise, amount FROM invoice_line WHERE invoice_id = ?::uuid"
                        + " ORDER BY line_no")) {
            ps.setString(1, invoiceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new InvoiceLineRow(
                            rs.getString("token_class"),
                            rs.getString("price_window"),
                            rs.getLong("quantity_tokens"),
                            rs.getBigDecimal("unit_price_per_mtok"),
                            rs.getBigDecimal("amount_precise"),
                            rs.getBigDecimal("amount")));
                }
            }
        }
        return out;
    }

    /** Waits (30 s at most) until the host reports no running request on {@code /metrics}. */
    void awaitHostIdle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String metrics = get(hostBase + HostContract.METRICS).body();
            boolean idle = metrics.lines()
                    .filter(l -> l.startsWith("vllm:num_requests_running"))
                    .allMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 0.0);
            if (idle) {
                return;
            }
            assertThat(System.nanoTime()).as("host frees the sequence").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Process startProcess(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("ASCENDANT_"));
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitUp(Process p, String url, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            assertThat(p.isAlive()).as("process alive (see " + log + ")").isTrue();
            try {
                if (get(url).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as(url + " up within 5 minutes").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
