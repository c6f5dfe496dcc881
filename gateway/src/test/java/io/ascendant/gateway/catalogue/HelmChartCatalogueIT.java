package io.ascendant.gateway.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.testsupport.ChildGatewayChats;
import io.ascendant.gateway.testsupport.GatewayProcess;
import io.ascendant.gateway.testsupport.TestDatabase;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart's gateway configuration works: a packaged gateway given the {@code application.properties} the chart
 * renders (deploy/helm/ascendant, {@code templates/gateway-properties.yaml}), through {@code SMALLRYE_CONFIG_LOCATIONS}
 * exactly as the chart's gateway containers get it, serves the chart's public model names from the model-host
 * Service by DNS discovery.
 *
 * <p>{@code deploy/check-chart.sh} keeps {@code src/test/resources/helm/gateway-application.properties} equal to what
 * {@code helm template} renders (release "ascendant", namespace "models", model-host port 18090, two public names), so
 * a chart change that the gateway would not understand fails here. The Service's name resolves to 127.0.0.1 through a
 * hosts file ({@code jdk.net.hosts.file}), where a fake model host listens on the Service's port.
 */
class HelmChartCatalogueIT {

    private static final Path RENDERED = Path.of("src/test/resources/helm/gateway-application.properties");
    private static final Pattern POOL_DNS = Pattern.compile("gateway\\.catalogue\\.pools\\.([^.]+)\\.dns");
    private static final Pattern MODEL_POOL = Pattern.compile("gateway\\.catalogue\\.models\\.([^.]+)\\.pool");
    private static final String PEPPER = "it-only-pepper-helm-chart-0123456789abcdef0123";
    private static final HttpClient HTTP = ChildGatewayChats.httpClient();

    /** The pool the chart names, the {@code host:port} it discovers, and the public names routed to it. */
    private static String pool;

    private static String serviceHost;
    private static int servicePort;
    private static final List<String> MODELS = new ArrayList<>();

    private static TestDatabase db;
    private static FakeModelHost host;
    private static GatewayProcess gateway;

    @BeforeAll
    static void gatewayWithTheChartsProperties() throws Exception {
        readRenderedProperties();
        // Under target/ so the gateway's log stays with the build (an artefact when this fails) and goes with mvn
        // clean.
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "helm-catalogue-it-");
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + serviceHost + "\n");
        host = new FakeModelHost("helm-chart-it").start(servicePort);
        db = TestDatabase.create("helm_catalogue");
        gateway = GatewayProcess.start(
                "gateway",
                dir,
                List.of(
                        "-Djdk.net.hosts.file=" + hosts.toAbsolutePath(),
                        "-Dquarkus.oidc.tenant-enabled=false",
                        "-Dquarkus.otel.sdk.disabled=true",
                        "-Dbilling.price-book.refresh-interval=1s"),
                Map.of(
                        "SMALLRYE_CONFIG_LOCATIONS", RENDERED.toAbsolutePath().toString(),
                        "ASCENDANT_HOME", dir.resolve("home").toString(),
                        "ASCENDANT_KEYCLOAK_URL", "http://127.0.0.1:1",
                        "TENANCY_API_KEYS_PEPPER", PEPPER,
                        "HOSTNAME", "helm-chart-it",
                        "QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl(),
                        "QUARKUS_DATASOURCE_USERNAME", db.username(),
                        "QUARKUS_DATASOURCE_PASSWORD", db.password()));
        gateway.awaitReady(HTTP, Duration.ofSeconds(300));
    }

    /** The one DNS pool of the rendered file and the routes to it (the test follows the chart's values). */
    private static void readRenderedProperties() throws IOException {
        Properties rendered = new Properties();
        try (Reader in = Files.newBufferedReader(RENDERED)) {
            rendered.load(in);
        }
        for (String key : rendered.stringPropertyNames()) {
            Matcher dns = POOL_DNS.matcher(key);
            if (dns.matches()) {
                assertThat(pool).as("one DNS pool in %s", RENDERED).isNull();
                pool = dns.group(1);
                String hostPort = rendered.getProperty(key);
                serviceHost = hostPort.substring(0, hostPort.lastIndexOf(':'));
                servicePort = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            }
        }
        assertThat(pool)
                .as("a gateway.catalogue.pools.<pool>.dns entry in %s", RENDERED)
                .isNotNull();
        for (String key : rendered.stringPropertyNames()) {
            Matcher model = MODEL_POOL.matcher(key);
            if (model.matches() && rendered.getProperty(key).equals(pool)) {
                MODELS.add(model.group(1));
            }
        }
        MODELS.sort(String::compareTo);
        // The chart's defaults route deepseek-v4-flash; check-chart.sh renders a second name to cover the list.
        assertThat(MODELS)
                .as("public names routed to pool %s in %s", pool, RENDERED)
                .hasSize(2)
                .contains("deepseek-v4-flash");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void servesEveryPublicNameOfTheChartFromTheModelHostService() throws Exception {
        for (String model : MODELS) {
            String key = db.seedTenantWithKey("helm", PEPPER, model, new BigDecimal("1"), "helm chart IT")
                    .key();
            ChildGatewayChats.awaitChatAnswered(HTTP, gateway, host, key, model);
            assertThat(host.received()).as("requests the model host received").isNotEmpty();
            assertThat(host.received().getLast().getString("model")).isEqualTo(model);
        }
    }

    @Test
    void findsTheModelHostPodThroughTheServiceName() throws Exception {
        String pod = "http://127.0.0.1:" + servicePort;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        // The per-pod gauges re-read the pod set every 5 s: poll (a liveness wait, not a speed assertion).
        while ((line = podReadyLine(pod)) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no gateway_pod_ready line for " + pod + " in /q/metrics:\n" + gateway.logTail());
            }
            Thread.sleep(500);
        }
        assertThat(line).contains("pool=\"" + pool + "\"");
    }

    private static String podReadyLine(String pod) throws IOException, InterruptedException {
        String metrics = HTTP.send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/q/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return metrics.lines()
                .filter(l -> l.startsWith("gateway_pod_ready{") && l.contains("pod=\"" + pod + "\""))
                .findFirst()
                .orElse(null);
    }
}
