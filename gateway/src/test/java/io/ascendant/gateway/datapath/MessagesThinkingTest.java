package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Extended thinking on {@code /v1/messages} as Anthropic defines it: {@code budget_tokens} is an integer of at least
 * 1024 and below {@code max_tokens}; thinking blocks carry a non-empty signature (in a stream, a
 * {@code signature_delta} right before the block stops), and thinking blocks sent back with any signature still reach
 * the host as its reasoning.
 */
@QuarkusTest
class MessagesThinkingTest {
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    /** Base64 of the SHA-256 of the text, computed here independently of the gateway. */
    private static String digest(String text) throws Exception {
        return Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesABudgetOfAtLeastMaxTokensNamingTheBound() {
        for (int budget : new int[] {2048, 4096}) {
            anthropic.refused(
                    "/v1/messages",
                    "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,"
                            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":" + budget + "}," + HI + "}",
                    "thinking.budget_tokens: must be less than max_tokens (budget_tokens " + budget
                            + ", max_tokens 2048).");
        }
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesABudgetBelow1024NamingTheBound() {
        anthropic.refused(
                "/v1/messages",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1023}," + HI + "}",
                "thinking.budget_tokens: must be greater than or equal to 1024 (got 1023).");
        anthropic.refused(
                "/v1/messages/count_tokens",
                "{\"model\":\"deepseek-v4-pro\",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":0}," + HI + "}",
                "thinking.budget_tokens: must be greater than or equal to 1024 (got 0).");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesAThinkingTypeOtherThanEnabledOrDisabled() {
        Map<String, String> cases = Map.of(
                "{\"budget_tokens\":1024}",
                "thinking.type: Field required ('enabled' or 'disabled').",
                "{\"type\":\"Enabled\",\"budget_tokens\":1024}",
                "thinking.type: must be 'enabled' or 'disabled' (got \"Enabled\").",
                "{\"type\":\"bogus\"}",
                "thinking.type: must be 'enabled' or 'disabled' (got \"bogus\").",
                "{\"type\":true}",
                "thinking.type: must be 'enabled' or 'disabled' (got true).");
        cases.forEach((thinking, message) -> anthropic.refused(
                "/v1/messages",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,\"thinking\":" + thinking + "," + HI + "}",
                message));
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesAMissingOrNonIntegerBudget() {
        Map<String, String> cases = Map.of(
                "{\"type\":\"enabled\"}",
                "thinking.budget_tokens: Field required (an integer >= 1024 when thinking is enabled).",
                "{\"type\":\"enabled\",\"budget_tokens\":null}",
                "thinking.budget_tokens: Field required (an integer >= 1024 when thinking is enabled).",
                "{\"type\":\"enabled\",\"budget_tokens\":\"1024\"}",
                "thinking.budget_tokens: must be an integer >= 1024.",
                "{\"type\":\"enabled\",\"budget_tokens\":1500.5}",
                "thinking.budget_tokens: must be an integer >= 1024.",
                "{\"type\":\"enabled\",\"budget_tokens\":99999999999999999999999}",
                "thinking.budget_tokens: must be an integer >= 1024.");
        cases.forEach((thinking, message) -> anthropic.refused(
                "/v1/messages",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,\"thinking\":" + thinking + "," + HI + "}",
                message));
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void acceptsABudgetInRangeAndDisabledThinking() {
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":1025,"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}," + HI + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"thinking\":{\"type\":\"disabled\"}," + HI
                        + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200);
        anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":50000}," + HI
                        + "}")
                .when()
                .post("/v1/messages/count_tokens")
                .then()
                .statusCode(200);
        var received = FakeHostsResource.PRO.received();
        assertThat(received).hasSize(2);
        assertThat(received.get(0).getJsonObject("thinking").getString("type")).isEqualTo("enabled");
        assertThat(received.get(1).getJsonObject("thinking").getString("type")).isEqualTo("disabled");
    }

    @Test
    void signsAThinkingBlockInAnAnswer() throws Exception {
        JsonObject answer = new JsonObject(anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}," + HI + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        JsonObject block = answer.getJsonArray("content").getJsonObject(0);
        assertThat(block.getString("type")).isEqualTo("thinking");
        assertThat(block.getString("thinking")).isEqualTo("Let me think");
        assertThat(block.getString("signature")).isNotEmpty().isEqualTo(digest("Let me think"));
    }

    @Test
    void streamsANonEmptySignatureDeltaRightBeforeTheThinkingBlockStops() throws Exception {
        String stream = anthropic
                .request()
                .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,\"stream\":true,"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}," + HI + "}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<JsonObject> events = new ArrayList<>();
        for (String line : stream.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(new JsonObject(line.substring(6)));
            }
        }
        StringBuilder thinking = new StringBuilder();
        int signatures = 0;
        for (int i = 0; i < events.size(); i++) {
            JsonObject e = events.get(i);
            JsonObject delta = e.getJsonObject("delta");
            if (!"content_block_delta".equals(e.getString("type"))) {
                continue;
            }
            if ("thinking_delta".equals(delta.getString("type"))) {
                thinking.append(delta.getString("thinking"));
            } else if ("signature_delta".equals(delta.getString("type"))) {
                signatures++;
                assertThat(delta.getString("signature")).isNotEmpty().isEqualTo(digest(thinking.toString()));
                JsonObject next = events.get(i + 1);
                assertThat(next.getString("type")).as(stream).isEqualTo("content_block_stop");
                assertThat(next.getInteger("index")).isEqualTo(e.getInteger("index"));
            }
        }
        assertThat(thinking.toString()).isEqualTo("Let me think ");
        assertThat(signatures).as(stream).isEqualTo(1);
    }

    @Test
    void acceptsThinkingBlocksSentBackWithAnySignatureAsTheHostsReasoning() throws Exception {
        for (String signature : List.of(digest("earlier thought"), "EqQBCgIYAhIM1gbcDa9GJwZA", "")) {
            FakeHostsResource.PRO.reset();
            anthropic
                    .request()
                    .body("{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,"
                            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"messages\":["
                            + "{\"role\":\"user\",\"content\":\"hi\"},"
                            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\","
                            + "\"thinking\":\"earlier thought\",\"signature\":\"" + signature + "\"},"
                            + "{\"type\":\"text\",\"text\":\"Hello\"}]},"
                            + "{\"role\":\"user\",\"content\":\"again\"}]}")
                    .when()
                    .post("/v1/messages")
                    .then()
                    .statusCode(200);
            JsonObject assistant = FakeHostsResource.PRO
                    .received()
                    .get(0)
                    .getJsonArray("messages")
                    .getJsonObject(1);
            assertThat(assistant.getString("role")).isEqualTo("assistant");
            assertThat(assistant.getString("reasoning_content")).isEqualTo("earlier thought");
            assertThat(assistant.getString("content")).isEqualTo("Hello");
        }
    }

    @Test
    void refusesAThinkingBlockSentBackWithoutItsSignatureOrText() {
        Map<String, String> cases = Map.of(
                "{\"type\":\"thinking\",\"thinking\":\"earlier thought\"}",
                "messages.1.content.0.signature: Field required (the signature the thinking block came with).",
                "{\"type\":\"thinking\",\"thinking\":\"earlier thought\",\"signature\":null}",
                "messages.1.content.0.signature: Field required (the signature the thinking block came with).",
                "{\"type\":\"thinking\",\"signature\":\"abc\"}",
                "messages.1.content.0.thinking: Field required (a string).");
        cases.forEach((block, message) -> anthropic.refused(
                "/v1/messages",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":2048,\"messages\":["
                        + "{\"role\":\"user\",\"content\":\"hi\"},"
                        + "{\"role\":\"assistant\",\"content\":[" + block + "]},"
                        + "{\"role\":\"user\",\"content\":\"again\"}]}",
                message));
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }
}
