package io.ascendant.console;

import static io.ascendant.billing.BillingFixtures.event;
import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.BillingAccountOpening;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Console flows beyond the first sign-in: the session ending under the console, key rotation with an overlap and
 * revocation after a confirmation, voiding an invoice with a credit note, draining a pod, and the price preview the
 * server computes. Each page touched passes axe-core.
 */
@QuarkusTest
class ConsoleLifecycleTest {

    private static final String API = "/admin/api/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    UsageLedger ledger;

    @Inject
    DataSource dataSource;

    @TestHTTPResource("/admin/")
    URL console;

    @BeforeEach
    void pointConsoleClientAtThisGateway() throws Exception {
        ConsoleClientSetup.allowOrigin(keycloak, console);
    }

    @Test
    void sessionEndedInKeycloakSendsTheUserBackToSignInCleanly() throws Exception {
        TestUser user = keycloak.createUser("console-expiry", Set.of("platform-admin"), null);
        // Console tokens live 20 s, so every API call refreshes the token: a session ended in Keycloak is noticed at
        // the next call instead of minutes later.
        String previous = setConsoleTokenLifespan("20");
        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), user.username(), user.password());
            b.waitFor(By.id("tenant-list"));

            logOutInKeycloak(user);
            b.driver.findElement(By.linkText("Invoices")).click();
            b.waitForText(By.tagName("h1"), "Session expired");
            assertThat(b.driver.findElement(By.cssSelector("main [role=alert]")).getText())
                    .contains("Your session has ended");
            assertThat(b.driver.getPageSource()).doesNotContain("Something went wrong", "Could not start");
            checkPage(b, "session-expired");

            b.driver.findElement(By.xpath("//button[text()='Sign in again']")).click();
            b.waitFor(By.id("username"));
            assertThat(b.driver.getCurrentUrl()).contains("/realms/ascendant/protocol/openid-connect/auth");
            b.driver.findElement(By.id("username")).sendKeys(user.username());
            if (b.driver.findElements(By.id("password")).isEmpty()) {
                b.driver.findElement(By.id("kc-login")).click();
            }
            b.waitFor(By.id("password")).sendKeys(user.password());
            b.driver.findElement(By.id("kc-login")).click();
            // Back on the page the user was going to, signed in.
            b.waitFor(By.id("invoice-list"));
            assertThat(b.driver.getCurrentUrl()).endsWith("/admin/#/invoices");
            assertThat(b.driver.findElement(By.id("who-name")).getText()).isEqualTo(user.username());
        } finally {
            setConsoleTokenLifespan(previous);
        }
    }

    @Test
    void keyIsRotatedWithAnOverlapAndRevokedAfterConfirmation() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "keys");
        String project = newProject(admin, tenant, "app");
        // keyStatus reads the tenant billing API: the key (and so its successor) has every scope.
        JsonPath created = newKey(admin, tenant, project, "rotating", null, AdminFixtures.ALL_SCOPES);
        String oldSecret = created.getString("secret");
        String oldHint = created.getString("key.hint");
        assertThat(keyStatus(oldSecret)).isEqualTo(200);

        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(
                    console + "#/tenants/" + tenant,
                    keycloak.platformAdmin().username(),
                    keycloak.platformAdmin().password());
            WebElement oldRow = keyRow(b, oldHint);
            oldRow.findElement(By.xpath(".//button[text()='Rotate']")).click();
            WebElement dialog = b.waitFor(By.cssSelector("dialog[open]"));
            assertThat(dialog.getText()).contains("keeps working until the end of the overlap");
            ConsoleBrowser.fill(dialog.findElement(By.tagName("form")), "overlapHours", "2");
            checkPage(b, "key-rotate-dialog");
            dialog.findElement(By.cssSelector("button[type=submit]")).click();
            String newSecret = b.waitFor(By.id("new-secret")).getAttribute("value");
            assertThat(newSecret).isNotEqualTo(oldSecret).hasSizeGreaterThan(20);
            maskSecret(b);
            checkPage(b, "key-rotated-secret-once");
            // During the overlap both keys work.
            assertThat(keyStatus(newSecret)).isEqualTo(200);
            assertThat(keyStatus(oldSecret)).isEqualTo(200);
            b.waitForText(By.cssSelector("section[aria-label='API keys'] table"), oldHint);
            assertThat(b.driver
                            .findElements(By.cssSelector("section[aria-label='API keys'] tbody tr"))
                            .size())
                    .isEqualTo(2);

            // Revoke asks first; cancelling changes nothing.
            keyRow(b, oldHint)
                    .findElement(By.xpath(".//button[text()='Revoke']"))
                    .click();
            dialog = b.waitFor(By.cssSelector("dialog[open]"));
            assertThat(dialog.getText()).contains("Revoke", "cannot be undone");
            checkPage(b, "key-revoke-confirm");
            dialog.findElement(By.xpath(".//button[text()='Cancel']")).click();
            b.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[open]")));
            assertThat(keyRow(b, oldHint).getText()).contains("ACTIVE");
            assertThat(keyStatus(oldSecret)).isEqualTo(200);

            keyRow(b, oldHint)
                    .findElement(By.xpath(".//button[text()='Revoke']"))
                    .click();
            b.waitFor(By.cssSelector("dialog[open] button[type=submit]")).click();
            b.wait.until(d -> keyRow(b, oldHint).getText().contains("REVOKED"));
            checkPage(b, "key-revoked");
        }
        awaitStatus(() -> keyStatus(oldSecret), 401);
        assertThat(keyStatus(oldSecret)).isEqualTo(401);
    }

    @Test
    void finalizedInvoiceIsVoidedWithACreditNote() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "void");
        YearMonth last = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
        BillingAccountOpening.openedAt(dataSource, UUID.fromString(tenant), BillingAccountOpening.EARLY);
        ledger.record(event(
                UUID.fromString(tenant),
                "void-" + UUID.randomUUID(),
                "deepseek-v4-pro",
                last.atDay(15).atStartOfDay().toInstant(ZoneOffset.UTC).toString(),
                0,
                0,
                2_000_000));
        String invoice = given().auth()
                .oauth2(admin)
                .queryParam("period", last.toString())
                .when()
                .post(API + "/billing/tenants/" + tenant + "/invoices")
                .then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 201))
                .extract()
                .path("id");
        given().auth()
                .oauth2(admin)
                .when()
                .post(API + "/billing/invoices/" + invoice + "/finalize")
                .then()
                .statusCode(200);

        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(
                    console + "#/tenants/" + tenant + "/invoices",
                    keycloak.platformAdmin().username(),
                    keycloak.platformAdmin().password());
            b.waitForText(By.id("invoice-list"), "FINALIZED");
            b.driver.findElement(By.cssSelector("#invoice-list tbody a")).click();
            b.waitForText(By.id("inv-h"), "FINALIZED");
            b.driver
                    .findElement(By.xpath("//button[text()='Void with credit note']"))
                    .click();
            WebElement dialog = b.waitFor(By.cssSelector("dialog[open]"));
            assertThat(dialog.getText()).contains("A credit note is issued for its total");
            ConsoleBrowser.fill(dialog.findElement(By.tagName("form")), "reason", "billed the wrong entity");
            dialog.findElement(By.cssSelector("button[type=submit]")).click();
            b.waitForText(By.id("inv-h"), "VOID");
            assertThat(b.driver.findElement(By.id("invoice-detail")).getText())
                    .contains("Voided: billed the wrong entity");
            b.waitForText(By.id("invoice-list"), "CREDIT_NOTE");
            checkPage(b, "invoice-voided-credit-note");
        }
        List<String> kinds = given().auth()
                .oauth2(admin)
                .queryParam("tenantId", tenant)
                .when()
                .get(API + "/billing/invoices")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("kind", String.class);
        assertThat(kinds).contains("CREDIT_NOTE");
    }

    @Test
    void podIsDrainedFromTheConsoleAndPricePreviewComesFromTheServer() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String pool = "drain-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"accelerator\":\"CPU\"}")
                .when()
                .put(API + "/pools/" + pool)
                .then()
                .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        String baseUrl = "http://127.0.0.1:" + (20000 + (int) (Math.random() * 20000));
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"baseUrl\":\"" + baseUrl + "\",\"accelerator\":\"CPU\"}")
                .when()
                .post(API + "/pools/" + pool + "/endpoints")
                .then()
                .statusCode(201);

        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(
                    console + "#/models",
                    keycloak.platformAdmin().username(),
                    keycloak.platformAdmin().password());
            b.waitForText(By.id("pools-h"), "Pools");
            b.waitForText(By.cssSelector("main"), baseUrl);
            // Live updates redraw the table every 2 s; paused, the table changes only after an action.
            b.driver.findElement(By.id("pods-pause")).click();
            var stable = b.wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            stable.until(d -> {
                podRow(b, baseUrl)
                        .findElement(By.xpath(".//button[text()='Drain']"))
                        .click();
                return true;
            });
            stable.until(d -> podRow(b, baseUrl).getText().contains("draining"));
            checkPage(b, "pod-draining");
            assertThat(endpointDraining(admin, pool)).isTrue();
            stable.until(d -> {
                podRow(b, baseUrl)
                        .findElement(By.xpath(".//button[text()='Undrain']"))
                        .click();
                return true;
            });
            stable.until(d -> podRow(b, baseUrl)
                            .findElements(By.xpath(".//button[text()='Drain']"))
                            .size()
                    == 1);
            assertThat(endpointDraining(admin, pool)).isFalse();

            // Price preview: the figure shown is the server's exact decimal.
            b.driver.findElement(By.linkText("Price book")).click();
            b.waitForText(By.tagName("h1"), "Price book");
            WebElement first = b.waitFor(By.xpath("//button[text()='Sample cost']"));
            String versionId = first.findElement(By.xpath("./ancestor::tr/td[1]"))
                    .getText()
                    .replaceAll("[^0-9]", "");
            first.click();
            WebElement sample = b.form("Sample request");
            ConsoleBrowser.fill(sample, "cacheHitTokens", "3");
            ConsoleBrowser.fill(sample, "cacheMissTokens", "7");
            ConsoleBrowser.fill(sample, "outputTokens", "11");
            ConsoleBrowser.submit(sample);
            String expected = given().auth()
                    .oauth2(admin)
                    .contentType("application/json")
                    .body("{\"cacheHitTokens\":3,\"cacheMissTokens\":7,\"outputTokens\":11}")
                    .when()
                    .post(API + "/billing/price-book/" + versionId + "/preview")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getString("windows[0].total");
            b.waitForText(By.id("price-preview-result"), expected + " ");
            checkPage(b, "price-preview");
            sample = b.form("Sample request");
            ConsoleBrowser.fill(sample, "outputTokens", "-4");
            ConsoleBrowser.submit(sample);
            b.wait.until(d -> !ConsoleBrowser.fieldError(b.form("Sample request"), "outputTokens")
                    .isBlank());
        }
    }

    private static WebElement keyRow(ConsoleBrowser b, String hint) {
        b.waitForText(By.cssSelector("section[aria-label='API keys'] table"), hint);
        return b.driver.findElement(
                By.xpath("//section[@aria-label='API keys']//tbody/tr[.//code[text()='" + hint + "']]"));
    }

    private static WebElement podRow(ConsoleBrowser b, String baseUrl) {
        return b.driver.findElement(By.xpath("//tbody/tr[td[text()='" + baseUrl + "']]"));
    }

    /** Masks the one-time secret on screen before a screenshot (screenshots end up in the README). */
    static void maskSecret(ConsoleBrowser b) {
        ((org.openqa.selenium.JavascriptExecutor) b.driver)
                .executeScript("const i = document.getElementById('new-secret');"
                        + " if (i) i.value = i.value.slice(0, 8) + '•'.repeat(Math.max(0, i.value.length - 8));");
    }

    private static boolean endpointDraining(String admin, String pool) {
        return given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/pools/" + pool)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getBoolean("endpoints[0].draining");
    }

    /** Status of a tenant API call with {@code secret}: 200 while the key works, 401 once it does not. */
    private static int keyStatus(String secret) {
        return given().header("Authorization", "Bearer " + secret)
                .when()
                .get("/v1/invoices")
                .then()
                .extract()
                .statusCode();
    }

    private static void awaitStatus(IntSupplier status, int expected) throws InterruptedException {
        for (int i = 0; i < 100 && status.getAsInt() != expected; i++) {
            Thread.sleep(100);
        }
    }

    private void logOutInKeycloak(TestUser user) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        keycloak.baseUrl() + "/admin/realms/ascendant/users/" + user.id() + "/logout"))
                                .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    /** Sets the console client's access-token lifespan (seconds, null = realm default); returns the previous one. */
    private String setConsoleTokenLifespan(String seconds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String clients = keycloak.baseUrl() + "/admin/realms/ascendant/clients";
        JsonNode found = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(clients + "?clientId=ascendant-console"))
                                .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        ObjectNode client = (ObjectNode) found.get(0);
        ObjectNode attributes = (ObjectNode) client.get("attributes");
        String previous = attributes.path("access.token.lifespan").asText(null);
        if (seconds == null) {
            attributes.put("access.token.lifespan", "");
        } else {
            attributes.put("access.token.lifespan", seconds);
        }
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(
                                URI.create(clients + "/" + client.get("id").asText()))
                        .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(client)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
        return previous;
    }

    private static void checkPage(ConsoleBrowser b, String name) {
        b.screenshot(name);
        assertThat(b.seriousAccessibilityViolations()).as("axe-core on " + name).isEmpty();
    }
}
