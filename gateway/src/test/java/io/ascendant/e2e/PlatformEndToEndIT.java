package io.ascendant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.SharedKeycloak;
import io.ascendant.gateway.testsupport.SharedPostgres;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole platform end to end, as operators run it: the packaged gateway ({@code gateway/target/quarkus-app}) and
 * the real model-host server ({@code model-host/server/target/quarkus-app}, built earlier in the reactor) as separate
 * processes, the model host serving the generated {@code demo} checkpoint (the smallest one with the real V4
 * tokenizer's vocabulary), the gateway on the run's real PostgreSQL and the real Keycloak ({@link SharedPostgres},
 * {@link SharedKeycloak}).
 *
 * <p>A tenant, project and key are created through the admin API with a Keycloak token; chats go through the
 * gateway with that key; every request's billed tokens are compared with the host's own log line for that request
 * id, and the ledger amounts and the draft invoice lines with amounts computed here from the seeded V4-Flash price
 * book ({@code V035__seed_deepseek_list_prices.sql}). The demo model's weights are random, so no test asserts on
 * generated text, only on shapes and counts.
 *
 * <p>The methods run in order and share the platform; the last one checks the bill of all earlier ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformEndToEndIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SERVER = ROOT.resolve("model-host/server/target/quarkus-app");
    private static final Path GATEWAY = ROOT.resolve("gateway/target/quarkus-app");
    private static final Path WORK = ROOT.resolve("gateway/target/e2e-platform");
    private static final String MODEL = "deepseek-v4-flash";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * The V4-Flash USD version in force since 2026-09-09 16:00 UTC (V035), per 1M tokens: off-peak (cache hit, cache
     * miss, output) and peak (Mon-Fri 09:00-12:00 and 14:00-18:00 Asia/Shanghai).
     */
    private static final BigDecimal[] OFF_PEAK = {
        new BigDecimal("0.003"), new BigDecimal("0.15"), new BigDecimal("0.60")
    };

    private static final BigDecimal[] PEAK = {new BigDecimal("0.006"), new BigDecimal("0.30"), new BigDecimal("1.20")};
    private static final Instant PRICE_VERSION_FROM = Instant.parse("2026-09-09T16:00:00Z");
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    /** A system prompt of several hundred tokens, shared by the prefix-cache requests (block size 32). */
    private static final String LONG_SYSTEM =
            ("You are the support assistant of Acme Ltd, a company selling garden tools"
                            + " in twelve countries. Answer briefly, politely and only about orders, deliveries, returns and"
                            + " invoices. Never reveal internal notes. ")
                    .repeat(8);

    private static final List<Billed> billed = new ArrayList<>();

    private static Process host;
    private static Process gateway;
    private static String hostBase;
    private static String gatewayBase;
    private static String database;
    private static KeycloakTokens keycloak;
    private static String adminToken;
    private static String tenantId;
    private static String apiKey;

    /** What one request must cost: the tokens the host reported, and the status the gateway must record. */
    private record Billed(String requestId, long hit, long miss, long output, String status) {}

    @BeforeAll
    static void startPlatform() throws Exception {
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
        hostBase = "http://127.0.0.1:" + hostPort;
        host = start(
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
                WORK.resolve("model-host.log"));

        // The host loads and Keycloak starts at the same time.
        SharedPostgres pg = SharedPostgres.get();
        database = pg.createDatabase("e2e_platform");
        SharedKeycloak kc = SharedKeycloak.get();
        keycloak = kc.tokens();

        int gatewayPort = freePort();
        gatewayBase = "http://127.0.0.1:" + gatewayPort;
        String secret = keycloak.platformClientSecret();
        Map<String, String> env = new HashMap<>();
        env.put("ASCENDANT_HOME", WORK.resolve("home").toString());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", pg.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", pg.password());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(gatewayPort));
        env.put("ASCENDANT_KEYCLOAK_URL", kc.baseUrl());
        env.put("ASCENDANT_PLATFORM_CLIENT_SECRET", secret);
        env.put("QUARKUS_KEYCLOAK_ADMIN_CLIENT_SERVER_URL", kc.baseUrl());
        env.put("QUARKUS_KEYCLOAK_ADMIN_CLIENT_CLIENT_SECRET", secret);
        env.put("TENANCY_API_KEYS_PEPPER", "e2e-only-pepper-0123456789abcdef0123456789");
        gateway = start(
                List.of(
                        java(),
                        "-Xmx768m",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dquarkus.analytics.disabled=true",
                        "-Dgateway.catalogue.pools.local-cpu.endpoints=" + hostBase,
                        "-Dgateway.catalogue.pools.local-cpu.accelerator=CPU",
                        "-Dgateway.catalogue.models." + MODEL + ".pool=local-cpu",
                        "-jar",
                        GATEWAY.resolve("quarkus-run.jar").toString(),
                        "serve"),
                env,
                WORK.resolve("gateway.log"));

        awaitUp(host, hostBase + HostContract.HEALTH, WORK.resolve("model-host.log"));
        awaitUp(gateway, gatewayBase + "/q/health/ready", WORK.resolve("gateway.log"));
    }

    @AfterAll
    static void stopPlatform() throws InterruptedException {
        for (Process p : new Process[] {gateway, host}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    @Order(1)
    void platformAdminCreatesTenantProjectAndKey() throws Exception {
        adminToken = keycloak.accessToken(keycloak.platformAdmin());
        String slug = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> tenant = admin(
                "POST",
                "/admin/api/v1/tenants",
                "{\"slug\":\"" + slug + "\",\"displayName\":\"End To End Ltd\",\"currency\":\"USD\","
                        + "\"timeZone\":\"UTC\"}");
        assertThat(tenant.statusCode()).as(tenant.body()).isEqualTo(201);
        tenantId = JSON.readTree(tenant.body()).path("id").asText();

        HttpResponse<String> project =
                admin("POST", "/admin/api/v1/tenants/" + tenantId + "/projects", "{\"name\":\"web\"}");
        assertThat(project.statusCode()).as(project.body()).isEqualTo(201);
        String projectId = JSON.readTree(project.body()).path("id").asText();

        HttpResponse<String> key = admin(
                "POST", "/admin/api/v1/tenants/" + tenantId + "/projects/" + projectId + "/keys", "{\"name\":\"e2e\"}");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        apiKey = JSON.readTree(key.body()).path("secret").asText();
        assertThat(apiKey).startsWith("asc_");
    }

    @Test
    @Order(2)
    void nonStreamedChatIsAnsweredByTheHostAndBilledAsTheHostCounted() throws Exception {
        String id = requestId("plain");
        JsonNode body = chat(
                id,
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"Hello from the end-to-end test!\"}],\"max_tokens\":6,\"temperature\":0}");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").isTextual()).isTrue();
        assertThat(choice.path("finish_reason").asText()).isIn("stop", "length");
        JsonNode usage = body.path("usage");
        assertThat(usage.path("completion_tokens").asLong()).isBetween(1L, 6L);
        expectBilledAsHostCounted(id, usage, "COMPLETED");
    }

    @Test
    @Order(3)
    void streamedChatEndsWithUsageAndIsBilledAsTheHostCounted() throws Exception {
        String id = requestId("stream");
        HttpResponse<String> r = post(
                gatewayBase + "/v1/chat/completions",
                id,
                "{\"model\":\"" + MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Stream me a few words.\"}],"
                        + "\"max_tokens\":8,\"temperature\":0,\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring(6).trim());
            }
        }
        assertThat(events).last().isEqualTo("[DONE]");
        JsonNode usage = null;
        String finish = null;
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(e);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (chunk.path("choices").isEmpty()) {
                usage = chunk.path("usage");
            } else {
                JsonNode c = chunk.path("choices").path(0);
                text.append(c.path("delta").path("content").asText(""));
                if (c.hasNonNull("finish_reason")) {
                    finish = c.path("finish_reason").asText();
                }
            }
        }
        assertThat(finish).isIn("stop", "length");
        assertThat(usage).as("a usage chunk before [DONE]").isNotNull();
        assertThat(usage.path("completion_tokens").asLong()).isBetween(1L, 8L);
        assertThat(text).as("streamed content").isNotEmpty();
        expectBilledAsHostCounted(id, usage, "COMPLETED");
    }

    @Test
    @Order(4)
    void chatWithToolsReachesTheHostEncodingAndAnswersAValidShape() throws Exception {
        String id = requestId("tools");
        String messages = "[{\"role\":\"user\",\"content\":\"What is the weather in Paris today?\"}]";
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
                + "\"Current weather of a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
                + "{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
        JsonNode body = chat(
                id,
                "{\"model\":\"" + MODEL + "\",\"messages\":" + messages + ",\"tools\":" + tools
                        + ",\"tool_choice\":\"auto\",\"max_tokens\":12,\"temperature\":0}");
        JsonNode choice = body.path("choices").path(0);
        JsonNode message = choice.path("message");
        assertThat(choice.path("finish_reason").asText()).isIn("stop", "length", "tool_calls");
        if (choice.path("finish_reason").asText().equals("tool_calls")) {
            assertThat(message.path("tool_calls")).isNotEmpty();
            for (JsonNode call : message.path("tool_calls")) {
                assertThat(call.path("id").asText()).isNotBlank();
                assertThat(call.path("type").asText()).isEqualTo("function");
                assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
                assertThat(call.path("function").path("arguments").isTextual()).isTrue();
            }
        } else {
            assertThat(message.path("content").isTextual()).isTrue();
            assertThat(message.path("tool_calls").isMissingNode()
                            || message.path("tool_calls").isNull()
                            || message.path("tool_calls").isEmpty())
                    .as("no tool calls without finish_reason tool_calls: " + message)
                    .isTrue();
        }
        // The demo model's text is random, so a tool call cannot be forced: the tools must at least have reached the
        // host's V4 chat encoding, which makes the prompt exactly as long as ChatEncoder says.
        List<JsonNode> toolList = new ArrayList<>();
        JSON.readTree(tools).forEach(toolList::add);
        int expectedPrompt = ChatEncoder.deepSeekV4()
                .countTokens(ChatMessage.listFromJson(messages), toolList, ChatOptions.chatMode());
        int withoutTools = ChatEncoder.deepSeekV4()
                .countTokens(ChatMessage.listFromJson(messages), List.of(), ChatOptions.chatMode());
        assertThat(expectedPrompt).isGreaterThan(withoutTools);
        assertThat(body.path("usage").path("prompt_tokens").asLong()).isEqualTo(expectedPrompt);
        expectBilledAsHostCounted(id, body.path("usage"), "COMPLETED");
    }

    @Test
    @Order(5)
    void secondRequestSharingALongPrefixIsBilledWithCacheHitTokens() throws Exception {
        String first = requestId("prefix-a");
        JsonNode a = chat(first, sharedPrefixChat("Where is order 1001?"));
        String second = requestId("prefix-b");
        JsonNode b = chat(second, sharedPrefixChat("Where is order 2002?"));

        long prompt = b.path("usage").path("prompt_tokens").asLong();
        long hit = b.path("usage").path("prompt_cache_hit_tokens").asLong();
        assertThat(prompt).isGreaterThan(256);
        assertThat(hit)
                .as("the shared system prompt comes from the prefix cache")
                .isGreaterThanOrEqualTo(256);
        assertThat(hit).isLessThan(prompt);
        assertThat(hit % 32).as("whole cache blocks").isZero();
        assertThat(b.path("usage")
                        .path("prompt_tokens_details")
                        .path("cached_tokens")
                        .asLong())
                .isEqualTo(hit);
        expectBilledAsHostCounted(first, a.path("usage"), "COMPLETED");
        expectBilledAsHostCounted(second, b.path("usage"), "COMPLETED");
    }

    @Test
    @Order(6)
    void clientDisconnectMidStreamIsBilledForWhatWasGenerated() throws Exception {
        String id = requestId("gone");
        int maxTokens = 200;
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a very long"
                + " story.\"}],\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}";
        URI uri = URI.create(gatewayBase);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int contentChunks = 0;
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\n"
                            + "x-request-id: " + id + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            assertThat(status).startsWith("HTTP/1.1 200");
            String line;
            while (contentChunks < 3 && (line = in.readLine()) != null) {
                assertThat(line).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"");
                if (line.startsWith("data: ")
                        && line.contains("\"content\":\"")
                        && !line.contains("\"content\":\"\"")) {
                    contentChunks++;
                }
            }
        } // closing the socket is the disconnect
        assertThat(contentChunks).isEqualTo(3);

        Map<String, Object> row = awaitLedgerRow(id);
        assertThat(row.get("status")).isEqualTo("CANCELLED");
        long output = (Long) row.get("output_tokens");
        assertThat(output).as("billed for what was generated").isBetween(1L, (long) maxTokens);
        // The host frees the sequence at its next step once the gateway resets the upstream request.
        awaitHostIdle();
        Map<String, Long> hostLine = hostLogLine(id);
        assertThat(hostLine.get("completion_tokens")).isBetween(1L, (long) maxTokens);
        billed.add(new Billed(
                id, (Long) row.get("cache_hit_tokens"), (Long) row.get("cache_miss_tokens"), output, "CANCELLED"));
        // Without the host's usage the gateway counts the prompt itself, with the same V4 chat encoding as the host.
        assertThat((Long) row.get("cache_hit_tokens") + (Long) row.get("cache_miss_tokens"))
                .isEqualTo(hostLine.get("prompt_tokens"));
    }

    @Test
    @Order(7)
    void usageRowsAndDraftInvoiceLinesMatchToTheTokenAndTheCent() throws Exception {
        assertThat(billed).hasSize(6);
        // line key "TOKEN_CLASS/WINDOW" -> tokens
        Map<String, Long> tokensPerLine = new LinkedHashMap<>();
        YearMonth period = null;
        for (Billed b : billed) {
            Map<String, Object> row = awaitLedgerRow(b.requestId());
            assertThat(row.get("tenant_id").toString()).isEqualTo(tenantId);
            assertThat(row.get("model")).isEqualTo(MODEL);
            assertThat(row.get("status")).as(b.requestId()).isEqualTo(b.status());
            assertThat(row.get("cache_hit_tokens")).as(b.requestId()).isEqualTo(b.hit());
            assertThat(row.get("cache_miss_tokens")).as(b.requestId()).isEqualTo(b.miss());
            assertThat(row.get("output_tokens")).as(b.requestId()).isEqualTo(b.output());
            assertThat(row.get("currency")).isEqualTo("USD");
            Instant finished = (Instant) row.get("finished_at");
            assertThat(finished).isAfter(PRICE_VERSION_FROM);
            String window = isPeak(finished) ? "PEAK" : "OFF_PEAK";
            assertThat(row.get("price_window")).as(b.requestId()).isEqualTo(window);
            BigDecimal[] p = window.equals("PEAK") ? PEAK : OFF_PEAK;
            BigDecimal expected =
                    charge(b.hit(), p[0]).add(charge(b.miss(), p[1])).add(charge(b.output(), p[2]));
            assertThat((BigDecimal) row.get("amount"))
                    .as("ledger amount of " + b.requestId())
                    .isEqualByComparingTo(expected);
            tokensPerLine.merge("CACHE_HIT/" + window, b.hit(), Long::sum);
            tokensPerLine.merge("CACHE_MISS/" + window, b.miss(), Long::sum);
            tokensPerLine.merge("OUTPUT/" + window, b.output(), Long::sum);
            YearMonth month = YearMonth.from(finished.atZone(ZoneOffset.UTC));
            assertThat(period == null || period.equals(month))
                    .as("all requests in one invoice period")
                    .isTrue();
            period = month;
        }
        assertThat(tokensPerLine.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("CACHE_HIT/"))
                        .mapToLong(Map.Entry::getValue)
                        .sum())
                .as("some tokens billed at the cache-hit price")
                .isPositive();

        HttpResponse<String> draft =
                admin("POST", "/admin/api/v1/billing/tenants/" + tenantId + "/invoices?period=" + period, null);
        assertThat(draft.statusCode()).as(draft.body()).isIn(200, 201);
        JsonNode invoice = JSON.readTree(draft.body());
        assertThat(invoice.path("status").asText()).isEqualTo("DRAFT");
        assertThat(invoice.path("currency").asText()).isEqualTo("USD");

        BigDecimal subtotal = BigDecimal.ZERO.setScale(2);
        int lines = 0;
        try (Connection c = SharedPostgres.get().connect(database);
                PreparedStatement ps = c.prepareStatement("SELECT token_class, price_window, quantity_tokens,"
                        + " unit_price_per_mtok, amount_precise, amount FROM invoice_line WHERE invoice_id = ?::uuid"
                        + " ORDER BY line_no")) {
            ps.setString(1, invoice.path("id").asText());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines++;
                    String key = rs.getString("token_class") + "/" + rs.getString("price_window");
                    long tokens = tokensPerLine.getOrDefault(key, 0L);
                    BigDecimal unit = unitPrice(rs.getString("token_class"), rs.getString("price_window"));
                    BigDecimal precise = charge(tokens, unit);
                    BigDecimal cents = precise.setScale(2, RoundingMode.HALF_UP);
                    assertThat(rs.getLong("quantity_tokens")).as(key).isEqualTo(tokens);
                    assertThat(rs.getBigDecimal("unit_price_per_mtok")).as(key).isEqualByComparingTo(unit);
                    assertThat(rs.getBigDecimal("amount_precise")).as(key).isEqualByComparingTo(precise);
                    assertThat(rs.getBigDecimal("amount")).as(key).isEqualByComparingTo(cents);
                    subtotal = subtotal.add(cents);
                }
            }
        }
        long nonZeroLines = tokensPerLine.values().stream().filter(v -> v != 0).count();
        assertThat(lines).as("one line per token class and window with tokens").isEqualTo(nonZeroLines);
        assertThat(new BigDecimal(invoice.path("total").asText())).isEqualByComparingTo(subtotal);
    }

    // --- helpers ---

    private static String sharedPrefixChat(String question) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"" + LONG_SYSTEM
                + "\"},{\"role\":\"user\",\"content\":\"" + question + "\"}],\"max_tokens\":4,\"temperature\":0}";
    }

    /** Checks the gateway's usage against the host's log line for the request and remembers it for the bill. */
    private static void expectBilledAsHostCounted(String id, JsonNode usage, String status) throws Exception {
        Map<String, Long> host = hostLogLine(id);
        long prompt = usage.path("prompt_tokens").asLong();
        long hit = usage.path("prompt_cache_hit_tokens").asLong();
        long output = usage.path("completion_tokens").asLong();
        assertThat(prompt).as("prompt tokens of " + id).isEqualTo(host.get("prompt_tokens"));
        assertThat(hit).as("cached tokens of " + id).isEqualTo(host.get("cached_tokens"));
        assertThat(output).as("completion tokens of " + id).isEqualTo(host.get("completion_tokens"));
        assertThat(usage.path("prompt_cache_miss_tokens").asLong()).isEqualTo(prompt - hit);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(prompt + output);
        billed.add(new Billed(id, hit, prompt - hit, output, status));
    }

    private static final Pattern HOST_FIELD = Pattern.compile("(\\w+)=([0-9]+)(?=\\s|$)");

    /** The numbers of the host's one log line for request {@code id} (it is written when the request ends). */
    private static Map<String, Long> hostLogLine(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (String line : Files.readAllLines(WORK.resolve("model-host.log"), StandardCharsets.UTF_8)) {
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

    private static Map<String, Object> awaitLedgerRow(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = SharedPostgres.get().connect(database);
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

    private static void awaitHostIdle() throws Exception {
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

    /** Peak per V035: Mon-Fri, [09:00, 12:00) and [14:00, 18:00) in Asia/Shanghai, at the request's finish. */
    private static boolean isPeak(Instant at) {
        ZonedDateTime local = at.atZone(SHANGHAI);
        if (local.getDayOfWeek() == DayOfWeek.SATURDAY || local.getDayOfWeek() == DayOfWeek.SUNDAY) {
            return false;
        }
        LocalTime t = local.toLocalTime();
        return (!t.isBefore(LocalTime.of(9, 0)) && t.isBefore(LocalTime.of(12, 0)))
                || (!t.isBefore(LocalTime.of(14, 0)) && t.isBefore(LocalTime.of(18, 0)));
    }

    private static BigDecimal unitPrice(String tokenClass, String window) {
        BigDecimal[] p = window.equals("PEAK") ? PEAK : OFF_PEAK;
        return switch (tokenClass) {
            case "CACHE_HIT" -> p[0];
            case "CACHE_MISS" -> p[1];
            case "OUTPUT" -> p[2];
            default -> throw new AssertionError("token class " + tokenClass);
        };
    }

    private static BigDecimal charge(long tokens, BigDecimal perMillion) {
        return BigDecimal.valueOf(tokens).multiply(perMillion).divide(BigDecimal.valueOf(1_000_000L));
    }

    private static JsonNode chat(String id, String body) throws Exception {
        HttpResponse<String> r = post(gatewayBase + "/v1/chat/completions", id, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(HostContract.HEADER_REQUEST_ID)).contains(id);
        return JSON.readTree(r.body());
    }

    private static String requestId(String what) {
        return "e2e-" + what + "-" + UUID.randomUUID();
    }

    private static HttpResponse<String> post(String url, String requestId, String json)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofMinutes(2))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + apiKey)
                        .header(HostContract.HEADER_REQUEST_ID, requestId)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gatewayBase + path))
                .timeout(Duration.ofMinutes(1))
                .header("authorization", "Bearer " + adminToken)
                .header("accept", "application/json");
        if (json != null) {
            b.header("content-type", "application/json");
        }
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
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
