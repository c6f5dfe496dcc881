package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TenantLimitRows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route's context window ({@code max_model_len}) is enforced by the gateway before admission and dispatch: a
 * request whose prompt (as the gateway's tokenizer counts it) plus requested output exceeds it is a 400 in the
 * addressed API's shape naming the limit and the numbers; the host never sees it, nothing is charged, and no quota
 * is taken (the tenant's one request per minute is still free for the request that fits exactly).
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class ContextWindowTest {
    private static final String MODEL = DataPathTestSupport.WINDOW_MODEL;
    private static final long WINDOW = DataPathTestSupport.WINDOW_CONTEXT;
    private static final long MAX_OUTPUT = DataPathTestSupport.WINDOW_MAX_OUTPUT;
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    @Inject
    TokenCounter tokens;

    @Inject
    DataSource ds;

    FakeModelHost host = FakeHostsResource.PRO;
    TestKeys.Key key;

    @BeforeEach
    void setUp() throws SQLException {
        support.reset();
        support.routeWindowModel(keycloak.accessToken(keycloak.platformAdmin()));
        key = keys.create(Set.of());
        TenantLimitRows.requestsPerMinute(ds, key.tenantId(), 1);
    }

    @Test
    void refusesChatCompletionsAndMessagesOverTheWindowWithoutCallingTheHostOrTakingQuota() throws Exception {
        String text = promptOf(450);
        long prompt = chatPromptTokens(text);
        assertThat(prompt)
                .as("the prompt leaves room for at most the model's output limit")
                .isBetween(WINDOW - MAX_OUTPUT + 1, WINDOW - 1);
        long over = WINDOW - prompt + 1;

        String chatId = "window-chat-" + UUID.randomUUID();
        openAi(chatId)
                .body(chat(text, over))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.param", equalTo("messages"))
                .body(
                        "error.message",
                        equalTo("This model's maximum context length is " + WINDOW + " tokens. However, you requested "
                                + (WINDOW + 1) + " tokens (" + prompt + " in the messages, " + over
                                + " in the completion). Please reduce the length of the messages or completion."));

        // Without max_tokens the prompt alone must leave room for output.
        String longText = promptOf(WINDOW + 50);
        long longPrompt = chatPromptTokens(longText);
        assertThat(longPrompt).isGreaterThan(WINDOW);
        String noLimitId = "window-nolimit-" + UUID.randomUUID();
        openAi(noLimitId)
                .body(chat(longText, -1))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body(
                        "error.message",
                        equalTo("This model's maximum context length is " + WINDOW
                                + " tokens. However, your messages resulted in " + longPrompt
                                + " tokens. Please reduce the length of the messages."));

        long completionPrompt = tokens.count(text);
        long completionOver = WINDOW - completionPrompt + 1;
        assertThat(completionOver).isBetween(1L, MAX_OUTPUT);
        String completionId = "window-completion-" + UUID.randomUUID();
        openAi(completionId)
                .body(new JsonObject()
                        .put("model", MODEL)
                        .put("prompt", text)
                        .put("max_tokens", completionOver)
                        .encode())
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.param", equalTo("prompt"))
                .body(
                        "error.message",
                        equalTo("This model's maximum context length is " + WINDOW + " tokens. However, you requested "
                                + (WINDOW + 1) + " tokens (" + completionPrompt + " in the prompt, " + completionOver
                                + " in the completion). Please reduce the length of the prompt or completion."));

        String messagesId = "window-messages-" + UUID.randomUUID();
        anthropic(messagesId)
                .body(chat(longText, 16))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body(
                        "error.message",
                        equalTo("prompt is too long: " + longPrompt + " tokens > " + WINDOW + " maximum"));
        String messagesSumId = "window-messages-sum-" + UUID.randomUUID();
        anthropic(messagesSumId)
                .body(chat(text, over))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body(
                        "error.message",
                        equalTo("input length and `max_tokens` exceed context limit: " + prompt + " + " + over + " > "
                                + WINDOW + ", decrease input length or `max_tokens` and try again"));

        assertThat(host.requestCount())
                .as("no refused request reached the host")
                .isZero();

        // Exactly at the limit: admitted (the minute's only request was not spent by the refusals) and answered.
        String fitsId = "window-fits-" + UUID.randomUUID();
        openAi(fitsId)
                .body(chat(text, WINDOW - prompt))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        assertThat(host.requestCount()).isEqualTo(1);
        metered.single(fitsId);
        for (String refused : List.of(chatId, noLimitId, completionId, messagesId, messagesSumId)) {
            assertThat(ledgerRows(refused)).as("usage rows of %s", refused).isZero();
        }
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensWhenBothAreSet() throws Exception {
        String text = promptOf(450);
        long prompt = chatPromptTokens(text);
        long room = WINDOW - prompt;
        assertThat(room).isBetween(1L, MAX_OUTPUT - 1);

        // max_tokens alone would overflow the window; max_completion_tokens, which vLLM and OpenAI use, fits it.
        String fitsId = "window-mct-" + UUID.randomUUID();
        openAi(fitsId)
                .body(new JsonObject(chat(text, MAX_OUTPUT))
                        .put("max_completion_tokens", room)
                        .encode())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        assertThat(host.requestCount()).isEqualTo(1);
        JsonObject sent = host.received().getFirst();
        assertThat(sent.getLong("max_completion_tokens")).isEqualTo(room);
        assertThat(sent.containsKey("max_tokens"))
                .as("the host gets one output limit")
                .isFalse();

        // And the other way round: a small max_tokens does not make room for a max_completion_tokens that overflows.
        openAi("window-mct-over-" + UUID.randomUUID())
                .body(new JsonObject(chat(text, 1))
                        .put("max_completion_tokens", room + 1)
                        .encode())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"));
    }

    private RequestSpecification openAi(String requestId) {
        return given().auth()
                .oauth2(key.text())
                .header("x-request-id", requestId)
                .contentType("application/json");
    }

    private RequestSpecification anthropic(String requestId) {
        return AnthropicRequests.as(key).header("x-request-id", requestId);
    }

    /** A chat (and Anthropic messages) body with one user message; no {@code max_tokens} when {@code max < 0}. */
    private static String chat(String text, long max) {
        JsonObject body = new JsonObject()
                .put("model", MODEL)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", text)));
        if (max >= 0) {
            body.put("max_tokens", max);
        }
        return body.encode();
    }

    /** The prompt's tokens as the host sees it (chat template included), by the gateway's own tokenizer. */
    private long chatPromptTokens(String text) throws Exception {
        ObjectNode hostBody = (ObjectNode) JSON.readTree(chat(text, -1));
        return tokens.countPrompt(hostBody, text);
    }

    /** A user message of plain words whose chat prompt has at least {@code chatTokens} tokens. */
    private String promptOf(long chatTokens) throws Exception {
        String[] pool = {"context", "window", "gateway", "tokens", "limit", "prompt", "model", "host"};
        StringBuilder sb = new StringBuilder("Summarise:");
        for (int i = 0; chatPromptTokens(sb.toString()) < chatTokens; i++) {
            sb.append(' ').append(pool[i % pool.length]);
        }
        return sb.toString();
    }

    private long ledgerRows(String requestId) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM usage_ledger WHERE client_request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
