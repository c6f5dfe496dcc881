package io.ascendant.billing;

import static io.ascendant.billing.BillingFixtures.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A tenant-specific price override added through the admin API rates that tenant's usage rows and its draft invoice
 * lines at the override price, with the tenant's discount and tax applied once on the invoice; another tenant's
 * identical usage in the same hours stays at list price. Every number below is computed by hand.
 */
@QuarkusTest
class TenantPriceOverrideTest {

    private static final String BASE = "/admin/api/v1/billing";
    private static final String PRO = "deepseek-v4-pro";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Inject
    UsageLedger ledger;

    @Inject
    DataSource dataSource;

    @Inject
    PriceBookService prices;

    @Inject
    BillingConfig billingConfig;

    private static final RestAssuredConfig DECIMALS = RestAssured.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL));

    @Test
    void tenantWithAnOverrideIsRatedAndInvoicedAtItsOwnPriceWhileAnotherPaysListPrice() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        UUID contracted = fixtures.account("USD", "UTC", "19", "10");
        UUID listed = fixtures.account("USD", "UTC", "0", "0");
        // Overrides only start in the future: the month after next, from its first instant (UTC).
        YearMonth month = YearMonth.now(ZoneOffset.UTC).plusMonths(2);
        String effectiveFrom =
                month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        String location = given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(Map.of(
                        "model",
                        PRO,
                        "currency",
                        "USD",
                        "tenantId",
                        contracted.toString(),
                        "effectiveFrom",
                        effectiveFrom,
                        "rates",
                        Map.of("cacheHit", "0.01", "cacheMiss", "0.5", "output", "1.5"),
                        "source",
                        "contract 2026-77"))
                .when()
                .post(BASE + "/price-book")
                .then()
                .statusCode(201)
                .extract()
                .header("Location");
        long overrideId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        // An override for a tenant that does not exist is refused, naming the field.
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(Map.of(
                        "model",
                        PRO,
                        "currency",
                        "USD",
                        "tenantId",
                        UUID.randomUUID().toString(),
                        "effectiveFrom",
                        effectiveFrom,
                        "rates",
                        Map.of("cacheHit", "0.01", "cacheMiss", "0.5", "output", "1.5")))
                .when()
                .post(BASE + "/price-book")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", org.hamcrest.Matchers.equalTo("tenantId"));
        long listId = fixtures.versionId(PRO, "USD", "2026-08-16T16:00:00Z");

        // Saturday 11:00 and Sunday 13:00 in Beijing: off-peak at list price (peak is weekdays only).
        LocalDate saturday = month.atDay(1).with(TemporalAdjusters.firstInMonth(DayOfWeek.SATURDAY));
        String first = saturday.atTime(3, 0).toInstant(ZoneOffset.UTC).toString();
        String second =
                saturday.plusDays(1).atTime(5, 0).toInstant(ZoneOffset.UTC).toString();
        String tag = UUID.randomUUID().toString();
        RatedUsage a1 = ledger.record(event(contracted, "ovr-a1-" + tag, PRO, first, 123_456, 2_345_678, 345_678));
        RatedUsage a2 = ledger.record(event(contracted, "ovr-a2-" + tag, PRO, second, 1_000_000, 654_321, 1_234_567));
        RatedUsage b1 = ledger.record(event(listed, "ovr-b1-" + tag, PRO, first, 123_456, 2_345_678, 345_678));
        RatedUsage b2 = ledger.record(event(listed, "ovr-b2-" + tag, PRO, second, 1_000_000, 654_321, 1_234_567));

        // Usage rows, exact: Σ tokens × price / 10⁶.
        // Override: 123,456 × 0.01 + 2,345,678 × 0.5 + 345,678 × 1.5 = 0.00123456 + 1.172839 + 0.518517
        assertThat(a1.priceVersionId()).isEqualTo(overrideId);
        assertThat(a1.window()).isEqualTo(PriceWindow.STANDARD);
        assertThat(a1.amount()).isEqualByComparingTo("1.69259056");
        // 1,000,000 × 0.01 + 654,321 × 0.5 + 1,234,567 × 1.5 = 0.01 + 0.3271605 + 1.8518505
        assertThat(a2.amount()).isEqualByComparingTo("2.189011");
        // List, off-peak: 123,456 × 0.022 + 2,345,678 × 0.66 + 345,678 × 1.98 = 0.002716032 + 1.54814748 + 0.68444244
        assertThat(b1.priceVersionId()).isEqualTo(listId);
        assertThat(b1.window()).isEqualTo(PriceWindow.OFF_PEAK);
        assertThat(b1.amount()).isEqualByComparingTo("2.235305952");
        // 1,000,000 × 0.022 + 654,321 × 0.66 + 1,234,567 × 1.98 = 0.022 + 0.43185186 + 2.44444266
        assertThat(b2.amount()).isEqualByComparingTo("2.89829452");
        // The stored ledger rows carry the same version and amount.
        assertThat(fixtures.queryLong(
                        "SELECT count(*) FROM usage_ledger WHERE tenant_id = ? AND price_version_id = ?"
                                + " AND price_window = 'STANDARD'",
                        contracted,
                        overrideId))
                .isEqualTo(2);
        assertThat(fixtures.queryLong(
                        "SELECT count(*) FROM usage_ledger WHERE tenant_id = ? AND price_version_id = ?"
                                + " AND price_window = 'OFF_PEAK'",
                        listed,
                        listId))
                .isEqualTo(2);

        // The daily usage API shows the exact amounts (rollups of the rows above).
        JsonPath usage = given().config(DECIMALS)
                .auth()
                .oauth2(admin)
                .queryParam("from", saturday.toString())
                .queryParam("to", saturday.plusDays(1).toString())
                .when()
                .get(BASE + "/tenants/" + contracted + "/usage")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<BigDecimal> days = usage.getList("amount", BigDecimal.class);
        assertThat(days).hasSize(2);
        assertThat(days.get(0).add(days.get(1))).isEqualByComparingTo("3.88160156");

        // Draft invoice of the override tenant: lines at the override price, each rounded once (HALF_UP).
        JsonPath a = draft(admin, contracted, month);
        assertThat(a.getList("lines.priceVersionId", Long.class)).containsOnly(overrideId);
        assertThat(a.getList("lines.window", String.class)).containsOnly("STANDARD");
        assertThat(a.getList("lines.tokenClass", String.class)).containsExactly("CACHE_HIT", "CACHE_MISS", "OUTPUT");
        assertThat(a.getList("lines.quantityTokens", Long.class)).containsExactly(1_123_456L, 2_999_999L, 1_580_245L);
        assertThat(a.getList("lines.unitPricePerMtok", BigDecimal.class))
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("0.01"), new BigDecimal("0.5"), new BigDecimal("1.5"));
        // 0.01123456 → 0.01; 1.4999995 → 1.50; 2.3703675 → 2.37
        assertThat(a.getList("lines.amountPrecise", BigDecimal.class))
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(
                        new BigDecimal("0.01123456"), new BigDecimal("1.4999995"), new BigDecimal("2.3703675"));
        assertThat(strings(a.getList("lines.amount", BigDecimal.class))).containsExactly("0.01", "1.50", "2.37");
        assertThat(a.getString("currency")).isEqualTo("USD");
        assertThat(a.getObject("subtotal", BigDecimal.class).toPlainString()).isEqualTo("3.88");
        // Discount 10 % of 3.88 = 0.388 → 0.39; tax 19 % of 3.49 = 0.6631 → 0.66; total 3.49 + 0.66.
        assertThat(a.getObject("discountAmount", BigDecimal.class).toPlainString())
                .isEqualTo("0.39");
        assertThat(a.getObject("taxAmount", BigDecimal.class).toPlainString()).isEqualTo("0.66");
        assertThat(a.getObject("total", BigDecimal.class).toPlainString()).isEqualTo("4.15");

        // The other tenant's identical usage: list price, off-peak, no discount or tax.
        JsonPath b = draft(admin, listed, month);
        assertThat(b.getList("lines.priceVersionId", Long.class)).containsOnly(listId);
        assertThat(b.getList("lines.window", String.class)).containsOnly("OFF_PEAK");
        assertThat(b.getList("lines.unitPricePerMtok", BigDecimal.class))
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("0.022"), new BigDecimal("0.66"), new BigDecimal("1.98"));
        // 0.024716032 → 0.02; 1.97999934 → 1.98; 3.1288851 → 3.13
        assertThat(strings(b.getList("lines.amount", BigDecimal.class))).containsExactly("0.02", "1.98", "3.13");
        assertThat(b.getObject("discountAmount", BigDecimal.class).toPlainString())
                .isEqualTo("0.00");
        assertThat(b.getObject("total", BigDecimal.class).toPlainString()).isEqualTo("5.13");
    }

    /**
     * Drafts the tenant's invoice for {@code month} and reads it through the admin API. The month has not started
     * (overrides only start in the future), so the admin API would refuse to draft it: an invoice service whose clock
     * stands in the following month drafts it.
     */
    private JsonPath draft(String admin, UUID tenant, YearMonth month) {
        Clock later = Clock.fixed(
                month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC);
        InvoiceService service = new InvoiceService(dataSource, prices, billingConfig, later);
        UUID id = QuarkusTransaction.requiringNew()
                .call(() -> service.draft(tenant, month).id());
        return given().config(DECIMALS)
                .auth()
                .oauth2(admin)
                .when()
                .get(BASE + "/invoices/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void overrideInAnotherCurrencyThanTheTenantsIsRefusedNamingBoth() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        UUID usd = fixtures.account("USD", "UTC", "0", "0");
        String effectiveFrom = YearMonth.now(ZoneOffset.UTC)
                .plusMonths(2)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toString();
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(Map.of(
                        "model",
                        PRO,
                        "currency",
                        "CNY",
                        "tenantId",
                        usd.toString(),
                        "effectiveFrom",
                        effectiveFrom,
                        "rates",
                        Map.of("cacheHit", "0.1", "cacheMiss", "1", "output", "8")))
                .when()
                .post(BASE + "/price-book")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", org.hamcrest.Matchers.equalTo("currency"))
                .body("detail", org.hamcrest.Matchers.containsString("CNY"))
                .body("detail", org.hamcrest.Matchers.containsString("(USD)"));
        given().auth()
                .oauth2(admin)
                .when()
                .get(BASE + "/price-book")
                .then()
                .statusCode(200)
                .body("findAll { it.tenantId == '" + usd + "' }", org.hamcrest.Matchers.empty());
    }

    private static List<String> strings(List<BigDecimal> values) {
        return values.stream().map(BigDecimal::toPlainString).toList();
    }
}
