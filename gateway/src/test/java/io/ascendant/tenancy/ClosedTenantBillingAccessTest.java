package io.ascendant.tenancy;

import static io.ascendant.billing.BillingFixtures.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ascendant.billing.BillingFixtures;
import io.ascendant.billing.invoice.Invoice;
import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.billing.invoice.InvoiceStatus;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A customer who closed their account still reads and downloads its final invoices: a closed tenant's keys with
 * {@code billing:read} keep working on the tenant billing API ({@code /v1/usage}, {@code /v1/invoices...}) and on
 * nothing else. The model endpoints refuse them with 403 {@code tenant_closed} as before, on the security chain and on
 * the data path's cached-key fast path; a key without {@code billing:read} gets {@code tenant_closed} everywhere, and
 * the message says where the bills stay readable. A suspended tenant's keys stay refused on the billing API too.
 */
@QuarkusTest
class ClosedTenantBillingAccessTest {

    private static final YearMonth AUG = YearMonth.of(2026, 8);

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures billing;

    @Inject
    UsageLedger ledger;

    @Inject
    InvoiceService invoices;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID project;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("closing"));
        project = fx.createProject(tenant, "app");
    }

    @Test
    void closedTenantKeyWithBillingReadStillReadsUsageAndInvoicesButNotTheModels() {
        String billingKey = key(AdminFixtures.ALL_SCOPES);
        String inferenceKey = key(List.of("inference"));
        Invoice finalInvoice = finalizedAugust();
        models(billingKey).statusCode(200); // both keys are in the authentication cache before the close
        models(inferenceKey).statusCode(200);

        close();

        Response refused = TenancyFixtures.awaitStatus(() -> chat(billingKey), 403);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("tenant_closed");
        // Again, now that key and closed tenant are cached: the fast path hands the refusal to the security chain.
        closedRefusal(chat(billingKey).then());
        closedRefusal(models(billingKey));
        given().header("x-api-key", billingKey)
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":8,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(403)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("permission_error"))
                .body("error.message", containsString("is closed"));

        given().auth()
                .oauth2(billingKey)
                .queryParam("from", "2026-08-01")
                .queryParam("to", "2026-08-31")
                .when()
                .get("/v1/usage")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.model", hasItem("deepseek-v4-flash"));
        given().auth()
                .oauth2(billingKey)
                .when()
                .get("/v1/invoices")
                .then()
                .statusCode(200)
                .body("data.number", hasItem(finalInvoice.number()));
        given().auth()
                .oauth2(billingKey)
                .when()
                .get("/v1/invoices/" + finalInvoice.id())
                .then()
                .statusCode(200)
                .body("number", equalTo(finalInvoice.number()));
        given().auth()
                .oauth2(billingKey)
                .when()
                .get("/v1/invoices/" + finalInvoice.id() + "/pdf")
                .then()
                .statusCode(200)
                .contentType("application/pdf");
        given().auth()
                .oauth2(billingKey)
                .when()
                .get("/v1/invoices/" + finalInvoice.id() + "/csv")
                .then()
                .statusCode(200)
                .contentType(containsString("text/csv"));

        // A key that could never read the bills does not start to now.
        closedRefusal(
                given().auth().oauth2(inferenceKey).when().get("/v1/invoices").then());
        closedRefusal(given().auth()
                .oauth2(inferenceKey)
                .queryParam("from", "2026-08-01")
                .queryParam("to", "2026-08-31")
                .when()
                .get("/v1/usage")
                .then());
    }

    @Test
    void suspendedTenantKeysStayRefusedOnTheBillingApi() {
        String billingKey = key(AdminFixtures.ALL_SCOPES);
        given().auth().oauth2(billingKey).when().get("/v1/invoices").then().statusCode(200);

        fx.suspendTenant(tenant);

        Response refused = TenancyFixtures.awaitStatus(
                () -> given().auth().oauth2(billingKey).when().get("/v1/invoices"), 403);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("tenant_suspended");
    }

    private String key(List<String> scopes) {
        return AdminFixtures.newKey(
                        fx.platformToken(),
                        tenant.toString(),
                        project.toString(),
                        "k-" + UUID.randomUUID(),
                        null,
                        scopes)
                .getString("secret");
    }

    /** The tenant's August 2026 invoice, finalized, over one request of usage. */
    private Invoice finalizedAugust() {
        billing.openedEarly(tenant); // August 2026 is before the test created the tenant
        ledger.record(
                event(tenant, "closing-" + UUID.randomUUID(), "deepseek-v4-flash", "2026-08-20T12:00:00Z", 0, 100, 50));
        Invoice draft = invoices.draft(tenant, AUG);
        return draft.status() == InvoiceStatus.FINALIZED ? draft : invoices.finalizeInvoice(draft.id());
    }

    private void close() {
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/close")
                .then()
                .statusCode(200)
                .body("status", equalTo("CLOSED"));
    }

    private static Response chat(String secret) {
        return given().auth()
                .oauth2(secret)
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .when()
                .post("/v1/chat/completions");
    }

    private static ValidatableResponse models(String secret) {
        return given().auth().oauth2(secret).when().get("/v1/models").then();
    }

    private static void closedRefusal(ValidatableResponse r) {
        r.statusCode(403)
                .body("error.type", equalTo("permission_error"))
                .body("error.code", equalTo("tenant_closed"))
                .body("error.message", containsString("billing:read"));
    }
}
