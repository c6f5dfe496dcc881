package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.Rates;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.PriceBookRows;
import io.ascendant.gateway.testsupport.TenantChats;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant whose currency has only a future price for a model is refused that model before dispatch (403 {@code
 * model_not_priced}, in the addressed API's shape): no host call, no usage row. The gateway used to serve it, and the
 * ledger recorded the row {@code UNPRICED} at 0, never invoiced. Once a price is in force, the same request is
 * answered and rated with it.
 */
@QuarkusTest
class UnpricedModelRefusalTest {
    private static final String MODEL = "deepseek-v4-flash";

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    @Inject
    PriceBookService priceBook;

    @Inject
    DataSource ds;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    @Test
    void refusesAModelWithOnlyAFuturePriceInTheTenantsCurrencyThenServesItOncePriced() throws Exception {
        // EUR has no list prices; the tenant gets its own EUR price of Flash, starting tomorrow.
        TestKeys.Key key = keys.create(Set.of(), "EUR");
        // Whole seconds: PostgreSQL keeps microseconds, so the start it stores is exactly this instant.
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        priceBook.add(
                new PriceVersion(
                        0,
                        MODEL,
                        "EUR",
                        key.tenantId(),
                        tomorrow,
                        new Rates(new BigDecimal("0.01"), new BigDecimal("0.1"), new BigDecimal("0.2")),
                        null,
                        null,
                        "unpriced refusal test"),
                "test");
        int hostCalls = FakeHostsResource.flashRequests();

        String refused = "unpriced-" + UUID.randomUUID();
        TenantChats.post(key.text(), refused, MODEL, 16)
                .then()
                .statusCode(403)
                .header("retry-after", nullValue())
                .body("error.type", equalTo("permission_error"))
                .body("error.code", equalTo("model_not_priced"))
                .body(
                        "error.message",
                        containsString("Model " + MODEL + " has no price in EUR in force for your account"))
                .body("error.message", containsString("(a price starts at " + tomorrow + ")"))
                .body("error.message", containsString("ask your administrator to add one"));
        AnthropicRequests.as(key)
                .body(TenantChats.body(MODEL, 16))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(403)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("permission_error"))
                .body("error.message", containsString("has no price in EUR in force"));
        assertThat(FakeHostsResource.flashRequests()).as("no host was called").isEqualTo(hostCalls);

        // A price in force now (written directly: the admin API only adds versions that start later).
        long version = PriceBookRows.addInForce(ds, MODEL, "EUR", key.tenantId(), new BigDecimal("2"), "in force");
        priceBook.reload();
        String served = "priced-" + UUID.randomUUID();
        TenantChats.post(key.text(), served, MODEL, 16).then().statusCode(200);
        metered.single(served);
        Map<String, Object> row = DatabaseRows.single(
                ds,
                "SELECT currency, price_version_id, price_window, amount FROM usage_ledger WHERE client_request_id = ?",
                served);
        assertThat(((String) row.get("currency")).trim()).isEqualTo("EUR");
        assertThat(row.get("price_version_id")).isEqualTo(version);
        assertThat(row.get("price_window")).isEqualTo(PriceWindow.STANDARD.name());
        assertThat((BigDecimal) row.get("amount")).isPositive();
        assertThat(FakeHostsResource.flashRequests()).isEqualTo(hostCalls + 1);
        // The refused requests left no usage row: the served one is the tenant's only row.
        assertThat(DatabaseRows.single(
                                ds,
                                "SELECT count(*) AS n FROM usage_ledger WHERE tenant_id = ?::uuid",
                                key.tenantId().toString())
                        .get("n"))
                .isEqualTo(1L);
    }
}
