package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.BillingAccountOpening;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The admin console in Debian's chromium against the running gateway, the real Keycloak (its own login page) and the
 * real PostgreSQL: sign-in per role, tenant and key lifecycle (secret shown once), budgets with field errors, invoices
 * with a PDF download, tenant isolation by link and by API, and axe-core on every page.
 */
@QuarkusTest
class ConsoleTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @TestHTTPResource("/admin/")
    URL console;

    @Inject
    DataSource dataSource;

    @BeforeEach
    void pointConsoleClientAtThisGateway() throws Exception {
        ConsoleClientSetup.allowOrigin(keycloak, console);
    }

    @Test
    void platformAdminManagesTenantKeyBudgetAndInvoice() throws Exception {
        TestUser admin = keycloak.platformAdmin();
        String slug = "console-" + UUID.randomUUID().toString().substring(0, 8);
        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), admin.username(), admin.password());
            b.waitFor(By.id("tenant-list"));
            assertThat(b.driver.findElement(By.id("nav")).getText())
                    .contains("Tenants", "Invoices", "Price book", "Models & pods", "Audit log");
            checkPage(b, "tenants");

            WebElement create = b.form("Create a tenant");
            ConsoleBrowser.fill(create, "slug", "Not A Slug");
            ConsoleBrowser.fill(create, "displayName", "Console Co " + slug);
            ConsoleBrowser.submit(create);
            b.wait.until(d -> !ConsoleBrowser.fieldError(b.form("Create a tenant"), "slug")
                    .isBlank());
            create = b.form("Create a tenant");
            ConsoleBrowser.fill(create, "slug", slug);
            ConsoleBrowser.fill(create, "timeZone", "Europe/Berlin");
            ConsoleBrowser.submit(create);
            b.waitForText(By.tagName("h1"), "Console Co " + slug);
            // Invoiced below for last month, before the tenant was created.
            BillingAccountOpening.openedAt(dataSource, slug, BillingAccountOpening.EARLY);

            WebElement project = b.form("Create a project");
            ConsoleBrowser.fill(project, "name", "chatbot");
            ConsoleBrowser.submit(project);
            WebElement key = b.form("Create an API key");
            ConsoleBrowser.fill(key, "name", "prod key");
            ConsoleBrowser.submit(key);
            String secret = b.waitFor(By.id("new-secret")).getAttribute("value");
            assertThat(secret).hasSizeGreaterThan(20);
            assertThat(b.driver.findElement(By.id("secret-box")).getText()).contains("shown only this once");
            // The screenshot goes into the README: never with a usable secret on it.
            ConsoleLifecycleTest.maskSecret(b);
            assertThat(b.driver.findElement(By.id("new-secret")).getAttribute("value"))
                    .doesNotContain(secret.substring(8));
            checkPage(b, "tenant-keys-secret-once");

            b.driver.navigate().refresh();
            b.waitForText(By.id("keys-h"), "API keys");
            b.waitForText(By.cssSelector("section[aria-label='API keys'] table"), "prod key");
            assertThat(b.driver.findElements(By.id("new-secret"))).isEmpty();
            assertThat(b.driver.getPageSource()).doesNotContain(secret);

            // Limits: a negative budget is refused next to its field; a valid one shows a bar.
            b.driver.findElement(By.linkText("Limits & budgets")).click();
            WebElement limits = b.form("Set limits");
            ConsoleBrowser.fill(limits, "scope", "tenant");
            ConsoleBrowser.fill(limits, "limits.budgetPeriod", "MONTH");
            ConsoleBrowser.fill(limits, "limits.budgetAmount", "-5");
            ConsoleBrowser.submit(limits);
            b.wait.until(d -> !ConsoleBrowser.fieldError(b.form("Set limits"), "limits.budgetAmount")
                    .isBlank());
            limits = b.form("Set limits");
            ConsoleBrowser.fill(limits, "limits.budgetAmount", "10.00");
            ConsoleBrowser.fill(limits, "limits.requestsPerMinute", "600");
            ConsoleBrowser.submit(limits);
            b.waitFor(By.id("budget-money"));
            assertThat(b.driver.findElement(By.id("budget-money")).getText()).contains("10.00");
            checkPage(b, "tenant-limits-budgets");

            b.driver.findElement(By.cssSelector("nav.tabs a[href$='/usage']")).click();
            b.waitFor(By.id("usage-chart"));
            checkPage(b, "tenant-usage");

            // Invoices: draft this month's, finalize it, download its PDF.
            // Last month: only a month that has ended can be finalized.
            b.driver
                    .findElement(By.cssSelector("nav.tabs a[href$='/invoices']"))
                    .click();
            WebElement draft = b.form("Draft an invoice");
            String lastMonth = java.time.YearMonth.now(java.time.ZoneId.of("Europe/Berlin"))
                    .minusMonths(1)
                    .toString();
            ((org.openqa.selenium.JavascriptExecutor) b.driver)
                    .executeScript(
                            "arguments[0].value = arguments[1]", draft.findElement(By.name("period")), lastMonth);
            ConsoleBrowser.submit(draft);
            b.waitFor(By.id("invoice-finalize")).click();
            b.waitFor(By.cssSelector("dialog[open] button[type=submit]")).click();
            b.waitForText(By.id("inv-h"), "FINALIZED");
            checkPage(b, "tenant-invoices");
            b.driver.findElement(By.id("invoice-pdf")).click();
            byte[] pdf = b.awaitDownload(".pdf");
            assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

            for (String[] page : new String[][] {
                {"Price book", "price-book"}, {"Models & pods", "models-pods"}, {"Audit log", "audit-log"}
            }) {
                b.driver.findElement(By.linkText(page[0])).click();
                b.waitForText(By.tagName("h1"), page[0]);
                b.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main table, main p.muted")));
                if (page[1].equals("models-pods")) {
                    b.waitForText(By.id("pools-h"), "Pools");
                    b.driver.findElement(By.id("pods-pause")).click(); // a stable page for axe
                }
                checkPage(b, page[1]);
            }

            // Narrow screens: the menu folds behind a button and tables stack.
            b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            b.waitFor(By.id("nav-toggle")).click();
            b.waitFor(By.linkText("Tenants")).click();
            b.waitFor(By.id("tenant-list"));
            checkPage(b, "tenants-narrow");
        }
    }

    @Test
    void tenantAdminSeesOnlyItsOwnTenantByLinkAndByApi() throws Exception {
        String platform = keycloak.accessToken(keycloak.platformAdmin());
        String own = newTenant(platform, "own");
        String other = newTenant(platform, "other");
        String ownSlug = tenantSlug(platform, own);
        TestUser tenantAdmin = keycloak.createUser("console-ta", Set.of("tenant-admin"), ownSlug);

        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), tenantAdmin.username(), tenantAdmin.password());
            b.waitForText(By.tagName("h1"), "Tenant own");
            b.waitForText(By.id("keys-h"), "API keys");
            String nav = b.driver.findElement(By.id("nav")).getText();
            assertThat(nav).contains("My tenant", "Usage", "Invoices").doesNotContain("Price book", "Models");
            checkPage(b, "tenant-admin-home");

            b.driver.get(console + "#/tenants/" + other);
            b.waitFor(By.id("page-error"));
            assertThat(b.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Not available");
            assertThat(b.driver.getPageSource()).doesNotContain("Tenant other");
        }
        String token = keycloak.accessToken(tenantAdmin.username(), tenantAdmin.password());
        int status = given().auth()
                .oauth2(token)
                .when()
                .get("/admin/api/v1/tenants/" + other)
                .then()
                .extract()
                .statusCode();
        assertThat(status).isIn(403, 404);
        given().auth()
                .oauth2(token)
                .when()
                .get("/admin/api/v1/tenants/" + own)
                .then()
                .statusCode(200);
    }

    @Test
    void billingViewerReadsOnlyUsageAndInvoices() throws Exception {
        String platform = keycloak.accessToken(keycloak.platformAdmin());
        String own = newTenant(platform, "billing");
        TestUser viewer = keycloak.createUser("console-bv", Set.of("billing-viewer"), tenantSlug(platform, own));
        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), viewer.username(), viewer.password());
            b.waitFor(By.id("usage-chart"));
            String nav = b.driver.findElement(By.id("nav")).getText();
            assertThat(nav).contains("Usage", "Invoices").doesNotContain("Tenants", "My tenant", "Audit");
            assertThat(b.driver.findElement(By.cssSelector("nav.tabs")).getText())
                    .doesNotContain("Limits", "Projects");
            checkPage(b, "billing-viewer-usage");
            b.driver.findElement(By.linkText("Invoices")).click();
            b.waitFor(By.id("invoice-list"));
            assertThat(b.driver.findElements(By.cssSelector("form[aria-label='Draft an invoice']")))
                    .isEmpty();
            checkPage(b, "billing-viewer-invoices");

            // Sign-out ends the Keycloak session: the console asks for a login again.
            b.driver.findElement(By.id("sign-out")).click();
            b.waitFor(By.id("username"));
            assertThat(b.driver.getCurrentUrl()).contains("/realms/ascendant/protocol/openid-connect/auth");
        }
    }

    /** Screenshot plus axe-core: no serious or critical accessibility violations. */
    private static void checkPage(ConsoleBrowser b, String name) {
        b.screenshot(name);
        List<String> violations = b.seriousAccessibilityViolations();
        assertThat(violations).as("axe-core on " + name).isEmpty();
    }

    private static String tenantSlug(String token, String id) {
        return given().auth()
                .oauth2(token)
                .when()
                .get("/admin/api/v1/tenants/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("slug");
    }
}
