package io.ascendant.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The price book's admin errors name the JSON property the client sent ({@code peak.zone}, {@code peak.rates}), a
 * version that does not exist is a 404 whatever the body, and a peak window written {@code 00:00-24:00} (the whole
 * day) is accepted and rates every hour at the peak prices. Overlapping peak ranges are refused naming both;
 * adjacent ones are accepted.
 */
@QuarkusTest
class PriceBookAdminErrorsTest {

    private static final String BASE = "/admin/api/v1/billing/price-book";
    private static final String PROBLEM = "application/problem+json";
    private static final String PRO = "deepseek-v4-pro";
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Inject
    UsageLedger ledger;

    @Test
    void badPeakZoneNamesPeakZoneNotTheAccountsTimeZone() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        add(admin, body(fixtures.account("USD", "UTC", "0", "0"), "Mars/Olympus", "09:00-12:00", "3.6"))
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("peak.zone"))
                .body("errors[0].field", equalTo("peak.zone"))
                .body(
                        "detail",
                        equalTo(
                                "peak.zone must be an IANA time zone such as Asia/Shanghai, or a fixed offset such as +08:00"));
    }

    @Test
    void peakRatesBeyondTheirPrecisionNamePeakRates() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        add(admin, body(fixtures.account("USD", "UTC", "0", "0"), "UTC", "09:00-12:00", "3.60000000001"))
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("peak.rates"))
                .body("detail", startsWith("peak.rates: prices per 1M tokens allow at most 10 integer digits"));
    }

    @Test
    void previewOfAVersionThatDoesNotExistIsA404NamingItWhateverTheBody() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        long missing = 987_654_321L;
        for (String sample :
                new String[] {"{\"cacheHitTokens\":1,\"cacheMissTokens\":0,\"outputTokens\":0}", "{}", null}) {
            var request = given().auth().oauth2(admin).contentType("application/json");
            if (sample != null) {
                request = request.body(sample);
            }
            request.when()
                    .post(BASE + "/" + missing + "/preview")
                    .then()
                    .statusCode(404)
                    .contentType(startsWith(PROBLEM))
                    .body("status", equalTo(404))
                    .body("type", equalTo("urn:ascendant:problem:not-found"))
                    .body("detail", equalTo("price version " + missing + " does not exist"));
        }
        given().auth()
                .oauth2(admin)
                .when()
                .get(BASE + "/" + missing)
                .then()
                .statusCode(404)
                .contentType(startsWith(PROBLEM))
                .body("detail", equalTo("price version " + missing + " does not exist"));
    }

    @Test
    void previewOfAnExistingVersionStillRefusesABadSampleNamingTheFields() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        long id = fixtures.versionId(PRO, "USD", "2026-08-16T16:00:00Z");
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"cacheHitTokens\":1,\"outputTokens\":-1}")
                .when()
                .post(BASE + "/" + id + "/preview")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("errors.field", equalTo(List.of("cacheMissTokens", "outputTokens")));
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .when()
                .post(BASE + "/" + id + "/preview")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", nullValue())
                .body("detail", startsWith("the request body is required"));
    }

    @Test
    void previewCallsAWholeNumberWithAnExponentBeyondItsRangeOutOfRangeNotFractional() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        long id = fixtures.versionId(PRO, "USD", "2026-08-16T16:00:00Z");
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"cacheHitTokens\":0,\"cacheMissTokens\":1e30,\"outputTokens\":0}")
                .when()
                .post(BASE + "/" + id + "/preview")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("cacheMissTokens"))
                .body(
                        "detail",
                        equalTo("cacheMissTokens: expected an integer between 0 and 1000000000000, got 1E+30, which is"
                                + " out of range"));
    }

    @Test
    void missingBodyIsNamedAsTheBodyNotByAJavaParameterName() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .when()
                .post(BASE)
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", nullValue())
                .body("errors", nullValue())
                .body("detail", equalTo("the request body is required (a JSON object)"));
    }

    @Test
    void wholeDayPeakWindowIsAcceptedAndRatesEveryHourAtPeakPrices() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        UUID tenant = fixtures.account("USD", "UTC", "0", "0");
        YearMonth month = YearMonth.now(ZoneOffset.UTC).plusMonths(2);
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, Object> body = body(tenant, "Asia/Shanghai", "00:00-24:00", "2.1");
        body.put("effectiveFrom", start.toString());
        String location = add(admin, body)
                .statusCode(201)
                .body("peak.hours", equalTo("00:00-24:00"))
                .extract()
                .header("Location");
        long versionId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        given().auth()
                .oauth2(admin)
                .when()
                .get(location)
                .then()
                .statusCode(200)
                .body("peak.hours", equalTo("00:00-24:00"));

        // Every hour of a Beijing Saturday and Monday (weekdaysOnly is false), the first and the last instant included.
        LocalDate day = month.atDay(10);
        List<Instant> times = new java.util.ArrayList<>();
        for (LocalDate d : List.of(day, day.plusDays(2))) {
            Instant midnight = d.atStartOfDay(SHANGHAI).toInstant();
            for (int h = 0; h < 24; h++) {
                times.add(midnight.plus(h, ChronoUnit.HOURS).plus(17, ChronoUnit.MINUTES));
            }
            times.add(midnight);
            times.add(midnight.plus(1, ChronoUnit.DAYS).minusMillis(1));
        }
        String tag = UUID.randomUUID().toString();
        for (Instant at : times) {
            RatedUsage r = ledger.record(BillingFixtures.event(
                    tenant, "whole-day-" + tag + "-" + at, PRO, at.toString(), 1_000_000, 2_000_000, 3_000_000));
            assertThat(r.priceVersionId()).as(at.toString()).isEqualTo(versionId);
            assertThat(r.window()).as(at.toString()).isEqualTo(PriceWindow.PEAK);
            // Peak: 1,000,000 × 0.05 + 2,000,000 × 0.7 + 3,000,000 × 2.1 = 0.05 + 1.4 + 6.3 (off-peak would be 5.51).
            assertThat(r.amount()).as(at.toString()).isEqualByComparingTo("7.75");
        }
    }

    @Test
    void ambiguousOrCrossingMidnightWindowsAreA400NamingPeakHours() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (String hours : List.of("00:00-00:00", "09:00-09:00", "22:00-02:00", "22:00-00:00", "24:00-06:00")) {
            add(admin, body(fixtures.account("USD", "UTC", "0", "0"), "UTC", hours, "2.1"))
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("peak.hours"))
                    .body("errors", hasSize(1))
                    .body("detail", containsString(hours.substring(0, 5)));
        }
    }

    @Test
    void overlappingPeakRangesAreA400NamingBothRanges() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        UUID tenant = fixtures.account("USD", "UTC", "0", "0");
        add(admin, body(tenant, "UTC", "09:00-12:00,11:00-13:00", "2.1"))
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("peak.hours"))
                .body("errors", hasSize(1))
                .body("detail", containsString("peak ranges 09:00-12:00 and 11:00-13:00 overlap"));
        add(admin, body(tenant, "UTC", "00:00-24:00,18:00-20:00", "2.1"))
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("peak.hours"))
                .body("detail", containsString("peak ranges 00:00-24:00 and 18:00-20:00 overlap"));
        given().auth()
                .oauth2(admin)
                .when()
                .get(BASE)
                .then()
                .statusCode(200)
                .body("findAll { it.tenantId == '" + tenant + "' }", hasSize(0));
    }

    @Test
    void adjacentPeakRangesAreAccepted() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        add(admin, body(fixtures.account("USD", "UTC", "0", "0"), "UTC", "10:00-12:00,12:00-14:00", "2.1"))
                .statusCode(201)
                .body("peak.hours", equalTo("10:00-12:00,12:00-14:00"));
    }

    private static ValidatableResponse add(String admin, Map<String, Object> body) {
        return given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(body)
                .when()
                .post(BASE)
                .then();
    }

    /**
     * A tenant's price-version body with peak windows; base rates 0.01/0.5/1.5, peak 0.05/0.7/{@code peakOutput}
     * (an override of a fresh tenant, so a version accepted by mistake never changes list prices for other tests).
     */
    private static Map<String, Object> body(UUID tenant, String zone, String hours, String peakOutput) {
        Map<String, Object> b = new HashMap<>();
        b.put("model", PRO);
        b.put("currency", "USD");
        b.put("tenantId", tenant.toString());
        b.put(
                "effectiveFrom",
                Instant.now()
                        .plus(40, ChronoUnit.DAYS)
                        .truncatedTo(ChronoUnit.SECONDS)
                        .toString());
        b.put("rates", Map.of("cacheHit", "0.01", "cacheMiss", "0.5", "output", "1.5"));
        b.put(
                "peak",
                Map.of(
                        "zone",
                        zone,
                        "hours",
                        hours,
                        "weekdaysOnly",
                        false,
                        "rates",
                        Map.of("cacheHit", "0.05", "cacheMiss", "0.7", "output", peakOutput)));
        return b;
    }
}
