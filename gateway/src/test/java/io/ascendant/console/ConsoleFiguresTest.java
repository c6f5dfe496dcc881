package io.ascendant.console;

import static io.ascendant.billing.BillingFixtures.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.billing.BillingFixtures;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The figures the console gets from the server rather than computing them itself: the price preview in exact
 * decimals, hourly usage in the tenant's time zone and the usage CSV, with their refusals as problems.
 */
@QuarkusTest
class ConsoleFiguresTest {

    private static final String API = "/admin/api/v1";
    private static final String PROBLEM = "application/problem+json";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Inject
    UsageLedger ledger;

    @Test
    void pricePreviewIsComputedExactlyOnTheServer() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        JsonPath versions = given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/billing/price-book")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Object> v = versions.getMap("[0]");
        int id = ((Number) v.get("id")).intValue();
        Map<?, ?> rates = (Map<?, ?>) v.get("rates");
        // 3 tokens at each rate: an amount binary floating point cannot hold (e.g. 0.028 × 3 / 10^6).
        JsonPath p = given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"cacheHitTokens\":3,\"cacheMissTokens\":7,\"outputTokens\":11}")
                .when()
                .post(API + "/billing/price-book/" + id + "/preview")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath(io.restassured.path.json.config.JsonPathConfig.jsonPathConfig()
                        .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.BIG_DECIMAL));
        BigDecimal expected = new BigDecimal(rates.get("cacheHit").toString())
                .multiply(BigDecimal.valueOf(3))
                .add(new BigDecimal(rates.get("cacheMiss").toString()).multiply(BigDecimal.valueOf(7)))
                .add(new BigDecimal(rates.get("output").toString()).multiply(BigDecimal.valueOf(11)))
                .movePointLeft(6);
        List<Map<String, Object>> windows = p.getList("windows");
        assertThat(windows).isNotEmpty();
        BigDecimal total = new BigDecimal(windows.getFirst().get("total").toString());
        assertThat(total).isEqualByComparingTo(expected);
        assertThat(p.getString("currency")).isEqualTo(v.get("currency"));

        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"cacheHitTokens\":-1,\"cacheMissTokens\":0,\"outputTokens\":0}")
                .when()
                .post(API + "/billing/price-book/" + id + "/preview")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("cacheHitTokens"));
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"cacheHitTokens\":1,\"cacheMissTokens\":0,\"outputTokens\":0}")
                .when()
                .post(API + "/billing/price-book/999999999/preview")
                .then()
                .statusCode(404)
                .contentType(startsWith(PROBLEM));
    }

    @Test
    void hourlyUsageIsBucketedInTheTenantsTimeZoneAndDownloadsAsCsv() {
        UUID tenant = fixtures.account("USD", "America/New_York", "0", "0");
        ledger.record(
                event(tenant, "hourly-" + UUID.randomUUID(), "deepseek-v4-pro", "2026-08-20T12:20:00Z", 100, 200, 300));
        ledger.record(event(tenant, "hourly-" + UUID.randomUUID(), "deepseek-v4-pro", "2026-08-20T12:40:00Z", 1, 2, 3));
        ledger.record(event(tenant, "hourly-" + UUID.randomUUID(), "deepseek-v4-pro", "2026-08-21T03:10:00Z", 0, 0, 5));
        String admin = keycloak.accessToken(keycloak.platformAdmin());

        JsonPath hours = given().auth()
                .oauth2(admin)
                .queryParam("from", "2026-08-20")
                .queryParam("to", "2026-08-20")
                .when()
                .get(API + "/billing/tenants/" + tenant + "/usage/hourly")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        // 03:10 UTC on the 21st is 23:10 on the 20th in New York (UTC-4 in August): same local day, its own hour.
        assertThat(hours.getList("hour", String.class))
                .containsExactly("2026-08-20T08:00:00-04:00", "2026-08-20T23:00:00-04:00");
        assertThat(hours.getList("hourStart", String.class))
                .containsExactly("2026-08-20T12:00:00Z", "2026-08-21T03:00:00Z");
        assertThat(hours.getLong("[0].requests")).isEqualTo(2);
        assertThat(hours.getLong("[0].completionTokens")).isEqualTo(303);

        String csv = given().auth()
                .oauth2(admin)
                .queryParam("from", "2026-08-20")
                .queryParam("to", "2026-08-20")
                .queryParam("granularity", "hour")
                .when()
                .get(API + "/billing/tenants/" + tenant + "/usage.csv")
                .then()
                .statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("usage-hour-2026-08-20-2026-08-20.csv"))
                .extract()
                .asString();
        List<String> lines = csv.lines().toList();
        assertThat(lines.getFirst()).startsWith("hour,model,project_id,key_id,requests");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1))
                .startsWith("2026-08-20T08:00:00-04:00,deepseek-v4-pro,")
                .contains(",2,101,202,303,");

        given().auth()
                .oauth2(admin)
                .queryParam("from", "2026-08-20")
                .queryParam("to", "2026-08-20")
                .queryParam("granularity", "minute")
                .when()
                .get(API + "/billing/tenants/" + tenant + "/usage.csv")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("granularity"));
        given().auth()
                .oauth2(admin)
                .queryParam("from", "2026-08-01")
                .queryParam("to", "2026-09-30")
                .when()
                .get(API + "/billing/tenants/" + tenant + "/usage/hourly")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("to"));
    }
}
