package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.API;
import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console's key form offers the key scopes as checkboxes ({@code inference} checked at first), refuses a key
 * without any next to them, creates the key with what is checked, and the keys table shows each key's scopes. "Edit
 * scopes" on a key's row changes the scopes of that existing key.
 */
@QuarkusTest
class ConsoleKeyScopesTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @TestHTTPResource("/admin/")
    URL console;

    @BeforeEach
    void pointConsoleClientAtThisGateway() throws Exception {
        ConsoleClientSetup.allowOrigin(keycloak, console);
    }

    @Test
    void keyFormOffersScopesAndTheTableShowsThem() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "scopes-ui");
        newProject(admin, tenant, "app");
        TestUser platform = keycloak.platformAdmin();
        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console + "#/tenants/" + tenant, platform.username(), platform.password());
            WebElement form = b.form("Create an API key");
            assertThat(scope(form, "inference").isSelected())
                    .as("inference is checked at first")
                    .isTrue();
            assertThat(scope(form, "billing:read").isSelected()).isFalse();

            // No scope at all: refused next to the checkboxes.
            ConsoleBrowser.fill(form, "name", "nothing");
            scope(form, "inference").click();
            ConsoleBrowser.submit(form);
            b.wait.until(d -> !ConsoleBrowser.fieldError(b.form("Create an API key"), "scopes")
                    .isBlank());
            assertThat(ConsoleBrowser.fieldError(b.form("Create an API key"), "scopes"))
                    .contains("at least one scope");

            form = b.form("Create an API key");
            ConsoleBrowser.fill(form, "name", "reporting");
            scope(form, "inference").click();
            scope(form, "billing:read").click();
            ConsoleBrowser.submit(form);
            b.waitFor(By.id("new-secret"));
            ConsoleLifecycleTest.maskSecret(b);
            b.waitForText(By.cssSelector("section[aria-label='API keys'] table"), "reporting");
            WebElement row = b.driver.findElement(By.xpath(
                    "//section[@aria-label='API keys']//tbody/tr[td[@data-label='Name'][text()='reporting']]"));
            assertThat(row.findElement(By.cssSelector("td[data-label='Scopes']"))
                            .getText())
                    .isEqualTo("inference, billing:read");
            b.screenshot("tenant-keys-scopes");
            assertThat(b.seriousAccessibilityViolations())
                    .as("axe-core on the keys page with the scopes")
                    .isEmpty();
        }

        List<List<String>> scopes = given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.scopes");
        assertThat(scopes).containsExactly(List.of("inference", "billing:read"));
    }

    @Test
    void editScopesChangesAnExistingKey() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "scopes-edit");
        String project = newProject(admin, tenant, "app");
        var created = newKey(admin, tenant, project, "app-key", null, List.of("inference"));
        String keyId = created.getString("key.id");
        String hint = created.getString("key.hint");
        TestUser platform = keycloak.platformAdmin();
        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console + "#/tenants/" + tenant, platform.username(), platform.password());

            // Nothing checked: the API refuses it and the console says why; the key keeps its scope.
            keyRow(b, hint)
                    .findElement(By.xpath(".//button[text()='Edit scopes']"))
                    .click();
            WebElement dialog = b.waitFor(By.cssSelector("dialog[open]"));
            assertThat(scope(dialog, "inference").isSelected())
                    .as("the key's current scopes are checked")
                    .isTrue();
            assertThat(scope(dialog, "billing:read").isSelected()).isFalse();
            scope(dialog, "inference").click();
            dialog.findElement(By.cssSelector("button[type=submit]")).click();
            b.waitForText(By.id("toast"), "at least one scope");
            assertThat(keyRow(b, hint)
                            .findElement(By.cssSelector("td[data-label='Scopes']"))
                            .getText())
                    .isEqualTo("inference");

            keyRow(b, hint)
                    .findElement(By.xpath(".//button[text()='Edit scopes']"))
                    .click();
            dialog = b.waitFor(By.cssSelector("dialog[open]"));
            scope(dialog, "inference").click();
            scope(dialog, "billing:read").click();
            b.screenshot("key-edit-scopes-dialog");
            assertThat(b.seriousAccessibilityViolations())
                    .as("axe-core on the edit scopes dialog")
                    .isEmpty();
            dialog.findElement(By.cssSelector("button[type=submit]")).click();
            b.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[open]")));
            b.wait.until(d -> keyRow(b, hint)
                    .findElement(By.cssSelector("td[data-label='Scopes']"))
                    .getText()
                    .equals("billing:read"));
        }

        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/tenants/" + tenant + "/keys/" + keyId)
                .then()
                .statusCode(200)
                .body("scopes", org.hamcrest.Matchers.equalTo(List.of("billing:read")));
    }

    private static WebElement keyRow(ConsoleBrowser b, String hint) {
        b.waitForText(By.cssSelector("section[aria-label='API keys'] table"), hint);
        return b.driver.findElement(
                By.xpath("//section[@aria-label='API keys']//tbody/tr[.//code[text()='" + hint + "']]"));
    }

    private static WebElement scope(WebElement form, String name) {
        return form.findElement(By.cssSelector("input[type=checkbox][name=scopes][value='" + name + "']"));
    }
}
