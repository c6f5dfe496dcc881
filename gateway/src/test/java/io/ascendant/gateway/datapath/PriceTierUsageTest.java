package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.billing.invoice.Invoice;
import io.ascendant.billing.invoice.InvoiceLine;
import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.billing.invoice.LineKind;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.Rates;
import io.ascendant.billing.pricebook.TokenClass;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.quota.budget.WorstCasePricer;
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
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A catalogue route whose price tier is not its public name ({@code deepseek-v4-window}, priced as {@code
 * deepseek-v4-pro}) is billed at the tier's prices: the usage row keeps the requested name and is rated with a Pro
 * price version, the invoice bills that version, and the tenant's money budget holds the worst case at Pro prices
 * and settles the row's amount. The gateway used to hand the ledger and the budget pricer the public name: the row was
 * recorded UNPRICED ("no price for model deepseek-v4-window") and a money budget refused the request as unpriced.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class PriceTierUsageTest {
    private static final String MODEL = DataPathTestSupport.WINDOW_MODEL;
    private static final String TIER = DataPathTestSupport.WINDOW_TIER;
    private static final long MAX_TOKENS = 16;
    private static final String TEXT = "Say hello to the price tier";
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
    PriceBookService priceBook;

    @Inject
    InvoiceService invoices;

    @Inject
    DataSource ds;

    @BeforeEach
    void setUp() {
        support.reset();
        // The data path's window route (ContextWindowTest's too): Pro pool, Pro price tier.
        support.routeWindowModel(keycloak.accessToken(keycloak.platformAdmin()));
    }

    @Test
    void ratesHoldsAndInvoicesARouteAtItsPriceTier() throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        TenantLimitRows.moneyBudget(ds, key.tenantId(), "MONTH", new BigDecimal("5"));
        String requestId = "price-tier-" + UUID.randomUUID();

        Response r = given().auth()
                .oauth2(key.text())
                .header("x-request-id", requestId)
                .contentType("application/json")
                .body(chat())
                .when()
                .post("/v1/chat/completions")
                .then()
                .extract()
                .response();
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getString("model")).isEqualTo(MODEL);

        LedgerUsageSink.Metered m = metered.single(requestId);
        Map<String, Object> row = DatabaseRows.single(
                ds,
                "SELECT model, price_tier, price_version_id, price_window, cache_hit_tokens, cache_miss_tokens,"
                        + " output_tokens, amount, billing_day FROM usage_ledger WHERE client_request_id = ?",
                requestId);
        assertThat(row.get("model")).as("the row keeps the requested name").isEqualTo(MODEL);
        assertThat(row.get("price_tier")).isEqualTo(TIER);
        PriceWindow window = PriceWindow.valueOf((String) row.get("price_window"));
        assertThat(window).as("rated, not UNPRICED").isNotEqualTo(PriceWindow.UNPRICED);
        long versionId = (Long) row.get("price_version_id");
        PriceVersion version = priceBook.current().byId(versionId).orElseThrow();
        assertThat(version.model()).isEqualTo(TIER);
        assertThat(version.tenantId()).as("a list price").isNull();

        long hit = (Long) row.get("cache_hit_tokens");
        long miss = (Long) row.get("cache_miss_tokens");
        long out = (Long) row.get("output_tokens");
        assertThat(miss).isPositive();
        assertThat(out).isPositive();
        Rates rates = version.rates(window);
        BigDecimal expected = rates.cacheHit()
                .multiply(BigDecimal.valueOf(hit))
                .add(rates.cacheMiss().multiply(BigDecimal.valueOf(miss)))
                .add(rates.output().multiply(BigDecimal.valueOf(out)))
                .divide(BigDecimal.valueOf(1_000_000));
        BigDecimal amount = (BigDecimal) row.get("amount");
        assertThat(amount).as("Pro prices of %s window", window).isEqualByComparingTo(expected);
        assertThat(m.rated().amount()).isEqualByComparingTo(expected);
        assertThat(m.rated().priceVersionId()).isEqualTo(versionId);

        // The budget held the worst case at the Pro version's prices and settled the row's amount.
        long prompt = tokens.countPrompt((ObjectNode) JSON.readTree(chat()), TEXT);
        Map<String, Object> settlement = DatabaseRows.single(
                ds,
                "SELECT held, actual FROM quota_settlement WHERE request_id = ?",
                m.event().requestId());
        assertThat((BigDecimal) settlement.get("held"))
                .isEqualByComparingTo(WorstCasePricer.cost(version, prompt, MAX_TOKENS));
        assertThat((BigDecimal) settlement.get("actual")).isEqualByComparingTo(amount);
        Map<String, Object> account = DatabaseRows.single(
                ds,
                "SELECT committed FROM quota_account WHERE pool_key = ?",
                "money:tenant:" + key.tenantId() + ":*:MONTH");
        assertThat((BigDecimal) account.get("committed")).isEqualByComparingTo(amount);

        // The invoice bills the priced tier at the Pro version's unit prices, one line per token class.
        LocalDate day = ((java.sql.Date) row.get("billing_day")).toLocalDate();
        Invoice invoice = invoices.draft(key.tenantId(), YearMonth.from(day));
        List<InvoiceLine> usage =
                invoice.lines().stream().filter(l -> l.kind() == LineKind.USAGE).toList();
        assertThat(usage).isNotEmpty().allSatisfy(l -> {
            assertThat(l.model()).isEqualTo(TIER);
            assertThat(l.priceVersionId()).isEqualTo(versionId);
            assertThat(l.window()).isEqualTo(window);
            assertThat(l.unitPricePerMtok()).isEqualByComparingTo(rates.of(l.tokenClass()));
        });
        Map<TokenClass, Long> quantities = new HashMap<>();
        usage.forEach(l -> quantities.merge(l.tokenClass(), l.quantityTokens(), Long::sum));
        assertThat(quantities.get(TokenClass.CACHE_MISS)).isEqualTo(miss);
        assertThat(quantities.get(TokenClass.OUTPUT)).isEqualTo(out);
        assertThat(quantities.getOrDefault(TokenClass.CACHE_HIT, 0L)).isEqualTo(hit);
        assertThat(usage.stream().map(InvoiceLine::amountPrecise).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(amount);
    }

    private static String chat() {
        return new JsonObject()
                .put("model", MODEL)
                .put("max_tokens", MAX_TOKENS)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", TEXT)))
                .encode();
    }
}
