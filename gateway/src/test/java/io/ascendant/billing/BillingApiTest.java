package io.ascendant.billing;

import static io.ascendant.billing.BillingFixtures.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.billing.invoice.Invoice;
import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BillingApiTest {

    private static final String BASE = "/admin/api/v1/billing";
    private static final YearMonth AUG = YearMonth.of(2026, 8);

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Inject
    UsageLedger ledger;

    @Inject
    InvoiceService invoices;

    @Inject
    TestKeys keys;

    private Invoice finalizedAugust(UUID tenant, String tag) {
        fixtures.openedEarly(tenant); // August 2026 is before the test created the tenant
        ledger.record(event(
                tenant, tag + "-" + UUID.randomUUID(), "deepseek-v4-pro", "2026-08-20T12:00:00Z", 0, 0, 2_000_000));
        Invoice draft = invoices.draft(tenant, AUG);
        return draft.status() == io.ascendant.billing.invoice.InvoiceStatus.FINALIZED
                ? draft
                : invoices.finalizeInvoice(draft.id());
    }

    @Test
    void billingViewerSeesOnlyItsOwnTenant() throws Exception {
        UUID own = fixtures.organizationTenant(KeycloakTokens.TEST_ORGANIZATION);
        UUID other = fixtures.account("USD", "UTC", "0", "0");
        Invoice otherInvoice = finalizedAugust(other, "api-other");
        ledger.record(event(own, "api-own-" + UUID.randomUUID(), "deepseek-v4-pro", "2026-08-21T12:00:00Z", 0, 0, 1));
        String viewer = keycloak.accessToken(keycloak.billingViewer());

        given().auth()
                .oauth2(viewer)
                .when()
                .get(BASE + "/invoices")
                .then()
                .statusCode(200)
                .body("tenantId", everyItem(equalTo(own.toString())));
        given().auth()
                .oauth2(viewer)
                .when()
                .get(BASE + "/invoices/" + otherInvoice.id())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(viewer)
                .when()
                .get(BASE + "/invoices/" + otherInvoice.id() + "/pdf")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(viewer)
                .queryParam("from", "2026-08-01")
                .queryParam("to", "2026-08-31")
                .when()
                .get(BASE + "/tenants/" + other + "/usage")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(viewer)
                .queryParam("from", "2026-08-01")
                .queryParam("to", "2026-08-31")
                .when()
                .get(BASE + "/tenants/" + own + "/usage")
                .then()
                .statusCode(200)
                .body("model", hasItem("deepseek-v4-pro"));
        given().auth()
                .oauth2(viewer)
                .contentType("application/json")
                .body(Map.of("reason", "not mine"))
                .when()
                .post(BASE + "/invoices/" + otherInvoice.id() + "/void")
                .then()
                .statusCode(403);
        given().auth().oauth2(viewer).when().get(BASE + "/price-book").then().statusCode(403);
    }

    @Test
    void platformAdminExportsPdfAndCsv() {
        UUID t = fixtures.account("USD", "Europe/Berlin", "19", "0");
        Invoice i = finalizedAugust(t, "api-export");
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        byte[] pdf = given().auth()
                .oauth2(admin)
                .when()
                .get(BASE + "/invoices/" + i.id() + "/pdf")
                .then()
                .statusCode(200)
                .contentType("application/pdf")
                .extract()
                .asByteArray();
        assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-");
        given().auth()
                .oauth2(admin)
                .when()
                .get(BASE + "/invoices/" + i.id() + "/csv")
                .then()
                .statusCode(200)
                .contentType(startsWith("text/csv"))
                .body(startsWith("invoice_number,"));
        given().auth()
                .oauth2(admin)
                .queryParam("tenantId", t.toString())
                .when()
                .get(BASE + "/invoices.csv")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString(i.number()));
        given().auth()
                .oauth2(admin)
                .when()
                .get(BASE + "/invoices/" + i.id())
                .then()
                .statusCode(200)
                .body("number", equalTo(i.number()))
                .body("total", equalTo(i.total().floatValue()));
        given().auth()
                .oauth2(admin)
                .queryParam("period", "2026-13")
                .when()
                .post(BASE + "/tenants/" + t + "/invoices")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("period"));
        // Months far outside the platform's lifetime are typos: a 400 naming the field, never a database error.
        for (String farOff : new String[] {"9999-12", "1900-01"}) {
            given().auth()
                    .oauth2(admin)
                    .queryParam("period", farOff)
                    .when()
                    .post(BASE + "/tenants/" + t + "/invoices")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", equalTo("period"))
                    .body("detail", org.hamcrest.Matchers.containsString("must be between 2000-01 and"));
        }
        given().auth()
                .oauth2(admin)
                .when()
                .post(BASE + "/reconcile")
                .then()
                .statusCode(200)
                .body("hourMismatches", equalTo(0))
                .body("dayMismatches", equalTo(0));
    }

    @Test
    void platformAdminAddsPriceVersionsOnlyForTheFuture() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String start = Instant.now()
                .plus(30, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        UUID tenant = fixtures.account("USD", "UTC", "0", "0");
        Map<String, Object> body = Map.of(
                "model",
                "deepseek-v4-pro",
                "currency",
                "USD",
                "tenantId",
                tenant.toString(),
                "effectiveFrom",
                start,
                "rates",
                Map.of("cacheHit", "0.02", "cacheMiss", "0.6", "output", "1.8"),
                "peak",
                Map.of(
                        "zone",
                        "Asia/Shanghai",
                        "hours",
                        "09:00-12:00,14:00-18:00",
                        "weekdaysOnly",
                        true,
                        "rates",
                        Map.of("cacheHit", "0.04", "cacheMiss", "1.2", "output", "3.6")),
                "source",
                "contract 42");
        String location = given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(body)
                .when()
                .post(BASE + "/price-book")
                .then()
                .statusCode(201)
                .body("peak.hours", equalTo("09:00-12:00,14:00-18:00"))
                .body("rates.output", equalTo(1.8f))
                .extract()
                .header("Location");
        given().auth()
                .oauth2(admin)
                .when()
                .get(location)
                .then()
                .statusCode(200)
                .body("tenantId", equalTo(tenant.toString()));
        // Same scope and start again: conflict, nothing is overwritten.
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(body)
                .when()
                .post(BASE + "/price-book")
                .then()
                .statusCode(409);
        Map<String, Object> past = new java.util.HashMap<>(body);
        past.put("effectiveFrom", "2026-01-01T00:00:00Z");
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(past)
                .when()
                .post(BASE + "/price-book")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("effectiveFrom"));
        Map<String, Object> badCurrency = new java.util.HashMap<>(body);
        badCurrency.put("currency", "usd");
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(badCurrency)
                .when()
                .post(BASE + "/price-book")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void tenantReadsItsUsageAndInvoicesWithItsApiKey() {
        TestKeys.Key key = keys.create(Set.of());
        ledger.record(event(
                key.tenantId(), "api-key-" + UUID.randomUUID(), "deepseek-v4-flash", "2026-08-20T12:00:00Z", 5, 7, 11));
        Invoice i = finalizedAugust(key.tenantId(), "api-key-inv");
        given().header("Authorization", "Bearer " + key.text())
                .queryParam("from", "2026-08-01")
                .queryParam("to", "2026-08-31")
                .when()
                .get("/v1/usage")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.model", hasItem("deepseek-v4-flash"));
        given().header("Authorization", "Bearer " + key.text())
                .queryParam("from", "August")
                .queryParam("to", "2026-08-31")
                .when()
                .get("/v1/usage")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("from"))
                .body("error.code", equalTo("invalid_value"));
        given().header("Authorization", "Bearer " + key.text())
                .queryParam("from", "2026-08-01")
                .queryParam("to", "+999999999-12-31")
                .when()
                .get("/v1/usage")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("to"))
                .body("error.message", containsString("between 1970-01-01 and 9999-12-31"));
        given().header("Authorization", "Bearer " + key.text())
                .when()
                .get("/v1/invoices")
                .then()
                .statusCode(200)
                .body("data.number", hasItem(i.number()));
        given().header("Authorization", "Bearer " + key.text())
                .when()
                .get("/v1/invoices/" + i.id() + "/pdf")
                .then()
                .statusCode(200)
                .contentType("application/pdf");
        UUID other = fixtures.account("USD", "UTC", "0", "0");
        Invoice foreign = finalizedAugust(other, "api-foreign");
        given().header("Authorization", "Bearer " + key.text())
                .when()
                .get("/v1/invoices/" + foreign.id())
                .then()
                .statusCode(404)
                .body("error.code", equalTo("not_found"));
        // A malformed id is a 400 naming the id's form, not a 404, as in the admin API.
        given().header("Authorization", "Bearer " + key.text())
                .when()
                .get("/v1/invoices/not-a-uuid")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("id"))
                .body("error.message", equalTo("id must be a UUID (an invoice's id as GET /v1/invoices lists it)"));
        given().when().get("/v1/invoices").then().statusCode(401);
    }

    @Test
    void tenantInvoiceListTakesAPageSizeAndAPeriodAndRefusesMalformedOnesNamingThem() {
        TestKeys.Key key = keys.create(Set.of());
        Invoice august = finalizedAugust(key.tenantId(), "api-key-list");
        given().header("Authorization", "Bearer " + key.text())
                .queryParam("period", "2026-08")
                .queryParam("limit", 1)
                .when()
                .get("/v1/invoices")
                .then()
                .statusCode(200)
                .body("data.number", contains(august.number()));
        given().header("Authorization", "Bearer " + key.text())
                .queryParam("period", "2026-07")
                .when()
                .get("/v1/invoices")
                .then()
                .statusCode(200)
                .body("data", empty());
        for (String limit : List.of("2.0", "0", "-1", "501", "ten", "99999999999")) {
            given().header("Authorization", "Bearer " + key.text())
                    .queryParam("limit", limit)
                    .when()
                    .get("/v1/invoices")
                    .then()
                    .statusCode(400)
                    .contentType("application/json")
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("invalid_value"))
                    .body("error.param", equalTo("limit"))
                    .body("error.message", equalTo("limit must be a whole number from 1 to 500, got " + limit));
        }
        for (String period : List.of("10000-01", "1969-12", "2026-13", "2026-8", "August", "+2026-08")) {
            given().header("Authorization", "Bearer " + key.text())
                    .queryParam("period", period)
                    .when()
                    .get("/v1/invoices")
                    .then()
                    .statusCode(400)
                    .contentType("application/json")
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("invalid_value"))
                    .body("error.param", equalTo("period"))
                    .body(
                            "error.message",
                            equalTo("period must be a month written YYYY-MM with a year from 1970 to 9999 (such as"
                                    + " 2026-08), got " + period));
        }
    }

    @Test
    void adminInvoiceListRefusesAPageSizeOutsideItsRangeInsteadOfClampingIt() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (String path : List.of("/invoices", "/invoices.csv")) {
            for (String limit : List.of("0", "1001", "2.0")) {
                given().auth()
                        .oauth2(admin)
                        .queryParam("limit", limit)
                        .when()
                        .get(BASE + path)
                        .then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("field", equalTo("limit"));
            }
        }
    }
}
