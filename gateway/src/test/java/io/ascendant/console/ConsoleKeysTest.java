package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.API;
import static io.ascendant.gateway.testsupport.AdminFixtures.createTenant;
import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.ascendant.gateway.testsupport.AdminFixtures.putMonthlyBudget;
import static io.ascendant.gateway.testsupport.AdminFixtures.uniqueSlug;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The console's keys table and key budgets, from a user trial: an expired key was shown ACTIVE, times carried no
 * zone, a rotated key had two budget bars (one empty) and a removed key budget kept its bar.
 */
@QuarkusTest
class ConsoleKeysTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    AgroalDataSource db;

    @TestHTTPResource("/admin/")
    URL console;

    @BeforeEach
    void pointConsoleClientAtThisGateway() throws Exception {
        ConsoleClientSetup.allowOrigin(keycloak, console);
    }

    @Test
    void expiredKeyShowsExpiredAndEveryTimeSaysItsZone() throws Exception {
        TestUser admin = keycloak.platformAdmin();
        String token = keycloak.accessToken(admin);
        String slug = uniqueSlug("zoned");
        String tenantId =
                createTenant(token, slug, "Zoned Co", "CNY", "Asia/Shanghai").getString("id");
        String projectId = newProject(token, tenantId, "app");
        JsonPath expired = newKey(token, tenantId, projectId, "lapsed");
        JsonPath live = newKey(token, tenantId, projectId, "current");
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update api_key set expires_at = now() - interval '1 minute' where id = ?")) {
            ps.setObject(1, UUID.fromString(expired.getString("key.id")));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), admin.username(), admin.password());
            // Platform pages show UTC, labelled: the tenants list, found by its slug.
            WebElement filter = b.form("Filter tenants");
            ConsoleBrowser.fill(filter, "q", slug);
            ConsoleBrowser.submit(filter);
            b.waitForText(By.id("tenant-list"), slug);
            b.wait.until(
                    d -> d.findElements(By.cssSelector("#tenant-list tbody tr")).size() == 1);
            assertThat(cell(b.driver.findElement(By.cssSelector("#tenant-list tbody tr")), "Created"))
                    .endsWith(" UTC");

            // A tenant's pages show its own zone (that of its invoices and budget periods), labelled.
            ((JavascriptExecutor) b.driver)
                    .executeScript("window.location.hash = arguments[0];", "#/tenants/" + tenantId);
            WebElement lapsed = keyRow(b, expired.getString("key.hint"));
            assertThat(cell(lapsed, "Status")).isEqualTo("EXPIRED");
            assertThat(cell(lapsed, "Created")).endsWith(" Asia/Shanghai");
            assertThat(cell(lapsed, "Expires")).endsWith(" Asia/Shanghai");
            assertThat(lapsed.findElements(By.tagName("button")))
                    .as("no rotate or revoke for an expired key")
                    .isEmpty();
            WebElement current = keyRow(b, live.getString("key.hint"));
            assertThat(cell(current, "Status")).isEqualTo("ACTIVE");
            assertThat(cell(current, "Created")).endsWith(" Asia/Shanghai");
        }
    }

    @Test
    void rotatedKeyHasOneBudgetBarAndARemovedKeyBudgetHasNone() {
        TestUser admin = keycloak.platformAdmin();
        String token = keycloak.accessToken(admin);
        String tenantId = newTenant(token, "rotbars");
        String projectId = newProject(token, tenantId, "app");
        String oldKey = newKey(token, tenantId, projectId, "rotating").getString("key.id");
        putMonthlyBudget(token, "/tenants/" + tenantId + "/keys/" + oldKey + "/limits", "\"4.00\"", null);
        String newKey = given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{}")
                .when()
                .post(API + "/tenants/" + tenantId + "/keys/" + oldKey + "/rotate")
                .then()
                .statusCode(201)
                .extract()
                .path("key.id");

        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), admin.username(), admin.password());
            JavascriptExecutor js = (JavascriptExecutor) b.driver;
            js.executeScript("window.location.hash = arguments[0];", "#/tenants/" + tenantId + "/limits");
            b.waitFor(By.id("budget-key-" + newKey + "-money"));
            List<WebElement> bars = b.driver.findElements(By.cssSelector("#budgets-key .budget"));
            assertThat(bars).extracting(e -> e.getAttribute("id")).containsExactly("budget-key-" + newKey + "-money");
            assertThat(bars.getFirst().getText()).contains("Key rotating", "of $4.00");

            // The key budget is removed: its bar goes.
            given().auth()
                    .oauth2(token)
                    .when()
                    .delete(API + "/tenants/" + tenantId + "/keys/" + newKey + "/limits")
                    .then()
                    .statusCode(204);
            js.executeScript("window.location.hash = arguments[0];", "#/tenants/" + tenantId);
            b.waitFor(By.cssSelector("section[aria-label='API keys']"));
            js.executeScript("window.location.hash = arguments[0];", "#/tenants/" + tenantId + "/limits");
            b.waitForText(By.id("budgets-key"), "No key budget set.");
            assertThat(b.driver.findElements(By.cssSelector("#budgets-key .budget")))
                    .isEmpty();
        }
    }

    private static WebElement keyRow(ConsoleBrowser b, String hint) {
        b.waitForText(By.cssSelector("section[aria-label='API keys'] table"), hint);
        return b.driver.findElement(
                By.xpath("//section[@aria-label='API keys']//tbody/tr[.//code[text()='" + hint + "']]"));
    }

    /** The text of the row's cell in the column labelled {@code column}. */
    private static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector("td[data-label='" + column + "']"))
                .getText();
    }
}
