package io.ascendant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * tokenizer's vocabulary), the gateway on the run's real PostgreSQL and the real Keycloak. {@link E2ePlatform} starts
 * and stops them once for the class and reads the host's log and the usage rows.
 *
 * <p>A tenant, project and key are created through the admin API with a Keycloak token; chats go through the
 * gateway with that key; every request's billed tokens are compared with the host's own log line for that request
 * id, and the ledger amounts and the draft invoice lines with amounts computed here from the seeded V4-Flash price
 * book ({@link V4FlashListPrices}). The demo model's weights are random, so no test asserts on
 * generated text, only on shapes and counts.
 *
 * <p>The methods run in order and share the platform; the last one checks the bill of all earlier ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformEndToEndIT {
    private static final String MODEL = "deepseek-v4-flash";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A system prompt of several hundred tokens, shared by the prefix-cache requests (block size 32). */
    private static final String LONG_SYSTEM =
            ("You are the support assistant of Acme Ltd, a company selling garden tools"
                            + " in twelve countries. Answer briefly, politely and only about orders, deliveries, returns and"
                            + " invoices. Never reveal internal notes. ")
                    .repeat(8);

    private static final List<Billed> billed = new ArrayList<>();

    private static E2ePlatform platform;
    private static String adminToken;
    private static String tenantId;
    private static String apiKey;

    /** What one request must cost: the tokens the host reported, and the status the gateway must record. */
    private record Billed(String requestId, long hit, long miss, long output, String status) {}

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = E2ePlatform.start(MODEL);
    }

    @AfterAll
    static void stopPlatform() throws InterruptedException {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void platformAdminCreatesTenantProjectAndKey() throws Exception {
        KeycloakTokens keycloak = platform.keycloak();
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
        URI uri = URI.create(platform.gatewayBase());
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

        Map<String, Object> row = platform.awaitLedgerRow(id);
        assertThat(row.get("status")).isEqualTo("CANCELLED");
        long output = (Long) row.get("output_tokens");
        assertThat(output).as("billed for what was generated").isBetween(1L, (long) maxTokens);
        // The host frees the sequence at its next step once the gateway resets the upstream request.
        platform.awaitHostIdle();
        Map<String, Long> hostLine = platform.hostLogLine(id);
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
            Map<String, Object> row = platform.awaitLedgerRow(b.requestId());
            assertThat(row.get("tenant_id").toString()).isEqualTo(tenantId);
            assertThat(row.get("model")).isEqualTo(MODEL);
            assertThat(row.get("status")).as(b.requestId()).isEqualTo(b.status());
            assertThat(row.get("cache_hit_tokens")).as(b.requestId()).isEqualTo(b.hit());
            assertThat(row.get("cache_miss_tokens")).as(b.requestId()).isEqualTo(b.miss());
            assertThat(row.get("output_tokens")).as(b.requestId()).isEqualTo(b.output());
            assertThat(row.get("currency")).isEqualTo("USD");
            Instant finished = (Instant) row.get("finished_at");
            assertThat(finished).isAfter(V4FlashListPrices.VERSION_FROM);
            String window = V4FlashListPrices.window(finished);
            assertThat(row.get("price_window")).as(b.requestId()).isEqualTo(window);
            BigDecimal expected = V4FlashListPrices.amount(b.hit(), b.miss(), b.output(), window);
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
        List<E2ePlatform.InvoiceLineRow> lines =
                platform.invoiceLines(invoice.path("id").asText());
        for (E2ePlatform.InvoiceLineRow line : lines) {
            String key = line.tokenClass() + "/" + line.window();
            long tokens = tokensPerLine.getOrDefault(key, 0L);
            BigDecimal unit = V4FlashListPrices.unitPrice(line.tokenClass(), line.window());
            BigDecimal precise = V4FlashListPrices.charge(tokens, unit);
            BigDecimal cents = precise.setScale(2, RoundingMode.HALF_UP);
            assertThat(line.quantityTokens()).as(key).isEqualTo(tokens);
            assertThat(line.unitPricePerMtok()).as(key).isEqualByComparingTo(unit);
            assertThat(line.amountPrecise()).as(key).isEqualByComparingTo(precise);
            assertThat(line.amount()).as(key).isEqualByComparingTo(cents);
            subtotal = subtotal.add(cents);
        }
        long nonZeroLines = tokensPerLine.values().stream().filter(v -> v != 0).count();
        assertThat((long) lines.size())
                .as("one line per token class and window with tokens")
                .isEqualTo(nonZeroLines);
        assertThat(new BigDecimal(invoice.path("total").asText())).isEqualByComparingTo(subtotal);
    }

    // --- helpers ---

    private static String sharedPrefixChat(String question) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"" + LONG_SYSTEM
                + "\"},{\"role\":\"user\",\"content\":\"" + question + "\"}],\"max_tokens\":4,\"temperature\":0}";
    }

    /** Checks the gateway's usage against the host's log line for the request and remembers it for the bill. */
    private static void expectBilledAsHostCounted(String id, JsonNode usage, String status) throws Exception {
        Map<String, Long> host = platform.hostLogLine(id);
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

    private static JsonNode chat(String id, String body) throws Exception {
        HttpResponse<String> r = post(id, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(HostContract.HEADER_REQUEST_ID)).contains(id);
        return JSON.readTree(r.body());
    }

    private static String requestId(String what) {
        return "e2e-" + what + "-" + UUID.randomUUID();
    }

    private static HttpResponse<String> post(String requestId, String json) throws Exception {
        return platform.post("/v1/chat/completions", apiKey, requestId, json);
    }

    private static HttpResponse<String> admin(String method, String path, String json) throws Exception {
        return platform.admin(adminToken, method, path, json);
    }
}
