package io.ascendant.gateway.quota;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.admin.quota.BudgetStatus;
import io.ascendant.admin.quota.BudgetStatusQueries;
import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.MeteredEvents;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.fakehost.FakeModelHost.Behaviour;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TenantChats;
import io.ascendant.gateway.testsupport.TenantLimitRows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chat completion that sets no output limit is admitted holding the gateway's default output budget (at most 4096
 * tokens or the route's limit, capped to what the context window leaves), and that budget is what the host is sent
 * as {@code max_tokens}. It used to go out without one: the host then generated up to the whole context window, and a
 * key with a hard budget of 4200 tokens settled 8192. A host that ignores {@code max_tokens} anyway is billed at most
 * the limit it was sent, so the budget still holds; a budget whose settled usage reaches its limit shows as used up.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class DefaultOutputBudgetTest {
    private static final String WINDOW_MODEL = DataPathTestSupport.WINDOW_MODEL;
    private static final long WINDOW = DataPathTestSupport.WINDOW_CONTEXT;
    /** The default output budget of {@link #WINDOW_MODEL}: its output limit, below 4096 and the room a short prompt leaves. */
    private static final long WINDOW_DEFAULT = DataPathTestSupport.WINDOW_MAX_OUTPUT;
    /** The fake host reports (and, honouring max_tokens, generates) one token per word: 300 here. */
    private static final String THREE_HUNDRED_WORDS = String.join(" ", Collections.nCopies(300, "word"));

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
    BudgetStatusQueries budgets;

    @Inject
    DataSource ds;

    final FakeModelHost host = FakeHostsResource.PRO;

    @BeforeEach
    void setUp() {
        support.reset();
        support.routeWindowModel(keycloak.accessToken(keycloak.platformAdmin()));
        host.answerText = THREE_HUNDRED_WORDS;
    }

    @Test
    void sendsTheDefaultOutputBudgetAsMaxTokensWhenAChatSetsNoLimit() throws Exception {
        host.honoursMaxTokens = true;
        TestKeys.Key key = keys.create(Set.of());

        Response r = chat(key, WINDOW_MODEL, "Say hello", false)
                .then()
                .statusCode(200)
                .body("choices[0].finish_reason", equalTo("length"))
                .body("usage.completion_tokens", equalTo((int) WINDOW_DEFAULT))
                .body("model", equalTo(WINDOW_MODEL))
                .extract()
                .response();
        assertThat(host.received()).singleElement().satisfies(sent -> {
            assertThat(sent.getLong("max_tokens")).isEqualTo(WINDOW_DEFAULT);
            assertThat(sent.containsKey("max_completion_tokens")).isFalse();
        });
        assertThat(r.jsonPath().getString("choices[0].message.content").split(" "))
                .hasSize((int) WINDOW_DEFAULT);
        LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
        assertThat(m.event().completionTokens()).isEqualTo(WINDOW_DEFAULT);
        assertThat(m.event().countedByGateway()).isFalse();

        // Streamed: the same limit, and the stream ends as cut off.
        Response streamed = chat(key, WINDOW_MODEL, "Say hello", true)
                .then()
                .statusCode(200)
                .extract()
                .response();
        assertThat(host.received()).hasSize(2);
        assertThat(host.received().get(1).getLong("max_tokens")).isEqualTo(WINDOW_DEFAULT);
        assertThat(streamed.asString()).contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void capsTheSentDefaultToTheRoomTheContextWindowLeavesAfterThePrompt() throws Exception {
        host.honoursMaxTokens = true;
        TestKeys.Key key = keys.create(Set.of());
        String text = promptOf(WINDOW - 50);
        long room = WINDOW - chatPromptTokens(text);
        assertThat(room).isBetween(1L, WINDOW_DEFAULT - 1);

        chat(key, WINDOW_MODEL, text, false)
                .then()
                .statusCode(200)
                .body("choices[0].finish_reason", equalTo("length"))
                .body("usage.completion_tokens", equalTo((int) room));

        assertThat(host.received())
                .singleElement()
                .satisfies(sent -> assertThat(sent.getLong("max_tokens")).isEqualTo(room));
    }

    @Test
    void sendsAtMost4096WhenTheRoutesLimitIsHigher() {
        TestKeys.Key key = keys.create(Set.of());

        TenantChats.post(key.text(), "deepseek-v4-flash", -1).then().statusCode(200);

        List<JsonObject> sent = FakeHostsResource.FLASH.stream()
                .flatMap(h -> h.received().stream())
                .toList();
        assertThat(sent)
                .singleElement()
                .satisfies(s -> assertThat(s.getLong("max_tokens"))
                        .as("min(route limit 8192, 4096)")
                        .isEqualTo(4096L));
    }

    @Test
    void neverOverspendsAHardTokenBudgetWithChatsWithoutMaxTokensEvenWhenTheHostIgnoresTheLimit() throws Exception {
        // The host ignores max_tokens and answers 300 tokens (reported, or only counted by the gateway); the hold is
        // the prompt plus the default of 200, and the budget has room for one such hold.
        long hold = chatPromptTokens("Say hello") + WINDOW_DEFAULT;
        long budget = hold + 50;
        for (Behaviour reporting : List.of(Behaviour.NORMAL, Behaviour.OMIT_USAGE)) {
            for (boolean stream : List.of(false, true)) {
                TestKeys.Key key = keys.create(Set.of());
                keyTokenBudget(key, budget);
                host.defaultBehaviour(reporting);
                String what = reporting + (stream ? ", streamed" : "");

                Response r = chat(key, WINDOW_MODEL, "Say hello", stream);
                r.then().statusCode(200);
                if (reporting == Behaviour.NORMAL && !stream) {
                    // The client sees the answer and the usage the host gave.
                    r.then().body("usage.completion_tokens", equalTo(300));
                }
                assertThat(host.received().getLast().getLong("max_tokens"))
                        .as(what)
                        .isEqualTo(WINDOW_DEFAULT);
                LedgerUsageSink.Metered m = metered.single(r.header("x-request-id"));
                assertThat(m.event().completionTokens())
                        .as("%s: billed at most the max_tokens sent", what)
                        .isEqualTo(WINDOW_DEFAULT);
                assertThat(m.event().countedByGateway()).as(what).isTrue();

                chat(key, WINDOW_MODEL, "Say hello", stream)
                        .then()
                        .statusCode(429)
                        .body("error.code", equalTo("quota_exceeded"));
                Map<String, Object> account = tokenAccount(key);
                assertThat((BigDecimal) account.get("committed"))
                        .as("%s: settled within the budget", what)
                        .isLessThanOrEqualTo(BigDecimal.valueOf(budget));
            }
        }
    }

    @Test
    void aBudgetWhoseSettledUsageReachesItsLimitIsShownExhaustedWithoutARefusal() throws Exception {
        // Prompt as the gateway counts it plus the default output: exactly the budget. The host reports no usage and
        // ignores max_tokens, so the gateway counts the prompt and bills the output at the max_tokens it sent.
        host.defaultBehaviour(Behaviour.OMIT_USAGE);
        TestKeys.Key key = keys.create(Set.of());
        long budget = chatPromptTokens("Say hello") + WINDOW_DEFAULT;
        keyTokenBudget(key, budget);

        Response r = chat(key, WINDOW_MODEL, "Say hello", false);
        r.then().statusCode(200);
        metered.single(r.header("x-request-id"));

        assertThat((BigDecimal) tokenAccount(key).get("committed")).isEqualByComparingTo(BigDecimal.valueOf(budget));
        BudgetStatus status =
                budgets.current(key.tenantId(), BudgetStatusQueries.Level.KEY, null, 100).budgets().stream()
                        .filter(b -> b.unit().equals("TOKENS") && !b.shadow())
                        .findFirst()
                        .orElseThrow();
        assertThat(status.settled()).isEqualByComparingTo(BigDecimal.valueOf(budget));
        assertThat(status.exhausted())
                .as("no request was refused, but nothing more fits")
                .isTrue();
        assertThat(status.exhaustedAt())
                .as("only a refusal records an EXHAUSTED event")
                .isNull();
    }

    @Test
    void aRefusalNamesTheDefaultMaxTokensWhenTheClientSentNone() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        keyTokenBudget(key, 100);

        TenantChats.post(key.text(), "deepseek-v4-flash", -1)
                .then()
                .statusCode(429)
                .body("error.code", equalTo("quota_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString(" + default max_tokens 4096). Set max_tokens to at most "),
                                containsString("so that prompt plus max_tokens fits the budget")));
        TenantChats.post(key.text(), "deepseek-v4-flash", 4096)
                .then()
                .statusCode(429)
                .body(
                        "error.message",
                        allOf(containsString(" + max_tokens 4096). "), not(containsString("default max_tokens"))));
    }

    private Response chat(TestKeys.Key key, String model, String text, boolean stream) {
        JsonObject body = new JsonObject()
                .put("model", model)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", text)));
        if (stream) {
            body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
        }
        return given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body.encode())
                .when()
                .post("/v1/chat/completions");
    }

    private void keyTokenBudget(TestKeys.Key key, long tokens) throws SQLException {
        TenantLimitRows.scoped(ds, "KEY", key.keyId(), key.tenantId(), "*", "DAY", "budget_tokens", tokens);
    }

    /** The key's token budget account this period: {@code committed} and {@code limit_amount}. */
    private Map<String, Object> tokenAccount(TestKeys.Key key) throws SQLException {
        return DatabaseRows.single(
                ds,
                "SELECT committed, limit_amount FROM quota_account WHERE pool_key LIKE ? AND period_end > now()",
                "tokens:key:" + key.keyId() + ":%");
    }

    /** The prompt's tokens as the host sees it (chat template included), by the gateway's own tokenizer. */
    private long chatPromptTokens(String text) throws Exception {
        ObjectNode hostBody = JSON.createObjectNode();
        hostBody.put("model", WINDOW_MODEL);
        hostBody.putArray("messages").addObject().put("role", "user").put("content", text);
        return tokens.countPrompt(hostBody, text);
    }

    /** A user message of plain words whose chat prompt has at least {@code chatTokens} tokens. */
    private String promptOf(long chatTokens) throws Exception {
        String[] pool = {"budget", "default", "output", "tokens", "limit", "prompt", "model", "host"};
        StringBuilder sb = new StringBuilder("Summarise:");
        for (int i = 0; chatPromptTokens(sb.toString()) < chatTokens; i++) {
            sb.append(' ').append(pool[i % pool.length]);
        }
        return sb.toString();
    }
}
