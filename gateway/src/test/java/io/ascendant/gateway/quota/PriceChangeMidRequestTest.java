package io.ascendant.gateway.quota;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TenantLimitRows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A price rise that takes effect while a request runs: the hold was priced at admission, and the request is rated
 * with the version in force when it started, so its settlement stays within the hold and the budget is never
 * overspent. The new version is added through the admin API while the fake host is still streaming the answer.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class PriceChangeMidRequestTest {

    private static final String MODEL = "deepseek-v4-flash";
    /** Fits one request's worst case at the list price (a few hundred-thousandths of a dollar), not 100 USD/1M. */
    private static final BigDecimal BUDGET = new BigDecimal("0.0001");

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    DataSource ds;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @BeforeEach
    @AfterEach
    void resetHosts() {
        support.reset();
    }

    @Test
    void aPriceRiseDuringASlowRequestNeitherExceedsTheHoldNorOverspendsTheBudget() throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        TenantLimitRows.moneyBudget(ds, key.tenantId(), "MONTH", BUDGET);
        // The host streams ten words 1.5 s apart (within the stream idle timeout): the answer ends about 15 s after it
        // started, and the new price starts a few seconds after the host got the request.
        FakeHostsResource.FLASH.forEach(h -> {
            h.answerText = "one two three four five six seven eight nine ten";
            h.chunkDelayMs = 1_500;
        });
        String adminToken = keycloak.accessToken(keycloak.platformAdmin());

        CompletableFuture<Response> slow = CompletableFuture.supplyAsync(() -> given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(true))
                .when()
                .post("/v1/chat/completions")
                .then()
                .extract()
                .response());
        // Admission may first load the tokenizer (seconds on a busy machine); the scenario starts when the host has it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (FakeHostsResource.flashRequests() == 0) {
            assertThat(slow).as("the request ended before reaching the host").isNotDone();
            assertThat(System.nanoTime())
                    .as("the host got the request within 120 s")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        // Just after the earliest start the price book accepts: twice its refresh interval (1 s in this profile)
        // after the server received the version. A busy machine that delivers the POST too late gets a 400 and the
        // test asks again with a later start.
        Instant effective = null;
        long dearVersion = -1;
        for (int attempt = 0; attempt < 5 && dearVersion < 0; attempt++) {
            effective = Instant.now().plusMillis(3_500);
            dearVersion = addTenantPrice(adminToken, key.tenantId(), effective, "100");
        }
        assertThat(dearVersion).as("the price book accepted the new version").isPositive();

        Response r = slow.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.asString()).contains("ten").doesNotContain("\"error\"");
        String requestId = r.header("x-ascendant-request-id"); // the usage row's and the hold's key

        Map<String, Object> row = DatabaseRows.single(
                ds, "SELECT price_version_id, amount, finished_at FROM usage_ledger WHERE request_id = ?", requestId);
        assertThat(((java.sql.Timestamp) row.get("finished_at")).toInstant())
                .as("the request finished after the new price took effect")
                .isAfter(effective);
        assertThat((Long) row.get("price_version_id"))
                .as("rated with the version in force when it started")
                .isNotEqualTo(dearVersion);
        BigDecimal amount = (BigDecimal) row.get("amount");
        assertThat(amount).isPositive();

        Map<String, Object> settlement =
                DatabaseRows.single(ds, "SELECT held, actual FROM quota_settlement WHERE request_id = ?", requestId);
        assertThat((BigDecimal) settlement.get("actual")).isEqualByComparingTo(amount);
        assertThat((BigDecimal) settlement.get("actual")).isLessThanOrEqualTo((BigDecimal) settlement.get("held"));

        Map<String, Object> account = DatabaseRows.single(
                ds,
                "SELECT committed, reserved, limit_amount FROM quota_account WHERE pool_key = ?",
                "money:tenant:" + key.tenantId() + ":*:MONTH");
        assertThat((BigDecimal) account.get("committed")).isEqualByComparingTo(amount);
        assertThat(((BigDecimal) account.get("committed")).add((BigDecimal) account.get("reserved")))
                .as("spent plus held never exceeds the budget")
                .isLessThanOrEqualTo(BUDGET);

        // A request that starts now is priced with the new version: its worst case no longer fits the budget.
        FakeHostsResource.FLASH.forEach(h -> h.chunkDelayMs = 0);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(false))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .body("error.code", equalTo("quota_exceeded"));
    }

    private static String chat(boolean stream) {
        return new JsonObject()
                .put("model", MODEL)
                .put("stream", stream)
                .put("max_tokens", 16)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
    }

    /** The new version's id, or -1 when the price book refused its start as too early (400 on effectiveFrom). */
    private long addTenantPrice(String adminToken, UUID tenant, Instant effectiveFrom, String perMillion) {
        Map<String, Object> rates = Map.of("cacheHit", perMillion, "cacheMiss", perMillion, "output", perMillion);
        Response r = given().auth()
                .oauth2(adminToken)
                .contentType("application/json")
                .body(Map.of(
                        "model",
                        MODEL,
                        "currency",
                        "USD",
                        "tenantId",
                        tenant.toString(),
                        "effectiveFrom",
                        effectiveFrom.toString(),
                        "rates",
                        rates,
                        "source",
                        "price rise mid-request test"))
                .when()
                .post("/admin/api/v1/billing/price-book")
                .then()
                .extract()
                .response();
        if (r.statusCode() == 400 && r.asString().contains("effectiveFrom")) {
            return -1;
        }
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.jsonPath().getLong("id");
    }
}
