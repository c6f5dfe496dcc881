package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.API;
import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.ascendant.gateway.testsupport.AdminFixtures.putMonthlyBudget;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's "Edit limits and budgets" form opens with the current limits of its level and model, because the
 * admin API replaces the whole row on save: a form that opened empty turned "change the rate limit" into "delete the
 * hard budget", after which the tenant could spend without limit. The "Tenant limits" panel shows each limit in force
 * and where it comes from (the plan or the tenant's override): it used to list the overrides only, so a tenant on
 * its plan's limits looked unlimited.
 */
@QuarkusTest
class ConsoleLimitsPrefillTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @TestHTTPResource("/admin/")
    URL console;

    @BeforeEach
    void pointConsoleClientAtThisGateway() throws Exception {
        ConsoleClientSetup.allowOrigin(keycloak, console);
    }

    @Test
    void changingRequestsPerMinuteKeepsTheTenantMoneyBudget() {
        TestUser admin = keycloak.platformAdmin();
        String token = keycloak.accessToken(admin);
        String tenantId = newTenant(token, "prefill");
        String projectId = newProject(token, tenantId, "app");
        String keyId = newKey(token, tenantId, projectId, "budgeted").getString("key.id");
        putMonthlyBudget(token, "/tenants/" + tenantId + "/limits", "\"25.50\"", 7000L);
        putMonthlyBudget(token, "/tenants/" + tenantId + "/keys/" + keyId + "/limits", "\"3.25\"", null);

        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), admin.username(), admin.password());
            ((JavascriptExecutor) b.driver)
                    .executeScript("window.location.hash = arguments[0];", "#/tenants/" + tenantId + "/limits");
            // The limits in force: the plan's values (standard: 600 requests and 2,000,000 tokens per minute, 32 at
            // once) where the tenant overrides nothing, the tenant's budgets where it does.
            assertEffective(b, "requestsPerMinute", "600", "plan", "plan standard");
            assertEffective(b, "tokensPerMinute", "2,000,000", "plan", "plan standard");
            assertEffective(b, "concurrentRequests", "32", "plan", "plan standard");
            assertEffective(b, "budgetPeriod", "MONTH", "tenant", "tenant override");
            assertEffective(b, "budgetTokens", "7,000", "tenant", "tenant override");
            assertEffective(b, "budgetAmount", "$25.5", "tenant", "tenant override");
            WebElement limits = b.form("Set limits");
            assertThat(value(limits, "scope")).isEqualTo("tenant");
            assertThat(value(limits, "limits.budgetPeriod")).isEqualTo("MONTH");
            assertThat(new BigDecimal(value(limits, "limits.budgetAmount"))).isEqualByComparingTo("25.50");
            assertThat(value(limits, "limits.budgetTokens")).isEqualTo("7000");
            assertThat(value(limits, "limits.requestsPerMinute")).isEmpty();

            // Another level loads that level's row.
            ConsoleBrowser.fill(limits, "scope", "key:" + keyId);
            b.wait.until(d -> value(b.form("Set limits"), "limits.budgetAmount").equals("3.25"));
            assertThat(value(limits, "limits.budgetTokens")).isEmpty();
            ConsoleBrowser.fill(limits, "scope", "tenant");
            b.wait.until(d -> value(b.form("Set limits"), "limits.budgetTokens").equals("7000"));

            ConsoleBrowser.fill(limits, "limits.requestsPerMinute", "100");
            ConsoleBrowser.submit(limits);
            b.wait.until(d ->
                    Integer.valueOf(100).equals(tenantLimits(token, tenantId).get("[0].limits.requestsPerMinute")));
            JsonPath saved = tenantLimits(token, tenantId);
            assertThat(saved.getString("[0].limits.budgetPeriod")).isEqualTo("MONTH");
            assertThat(new BigDecimal(saved.getString("[0].limits.budgetAmount")))
                    .isEqualByComparingTo("25.50");
            assertThat(saved.getLong("[0].limits.budgetTokens")).isEqualTo(7000L);
            // The key's own budget is untouched by a save at the tenant level.
            assertThat(new BigDecimal(given().auth()
                            .oauth2(token)
                            .get(API + "/tenants/" + tenantId + "/keys/" + keyId + "/limits")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getString("[0].limits.budgetAmount")))
                    .isEqualByComparingTo("3.25");

            // The page shows the saved row again: the new rate limit and the budget, prefilled.
            b.wait.until(
                    d -> value(b.form("Set limits"), "limits.requestsPerMinute").equals("100"));
            limits = b.form("Set limits");
            assertThat(new BigDecimal(value(limits, "limits.budgetAmount"))).isEqualByComparingTo("25.50");
            assertThat(b.waitFor(By.id("budget-money")).getText()).contains("of $25.5");
            assertEffective(b, "requestsPerMinute", "100", "tenant", "tenant override");
            assertEffective(b, "concurrentRequests", "32", "plan", "plan standard");

            // Emptying a budget field asks first, naming the budget; cancelled, nothing is saved.
            ConsoleBrowser.fill(limits, "limits.budgetAmount", "");
            ConsoleBrowser.submit(limits);
            WebElement dialog = b.waitFor(By.id("dialog"));
            b.waitForText(By.id("dialog"), "money budget of $25.5");
            dialog.findElement(By.cssSelector("button[value=cancel]")).click();
            assertThat(new BigDecimal(tenantLimits(token, tenantId).getString("[0].limits.budgetAmount")))
                    .isEqualByComparingTo("25.50");
        }
    }

    /** The tenant's limit in force for all models: its text (value and origin) and its origin's kind. */
    private static void assertEffective(ConsoleBrowser b, String field, String value, String source, String from) {
        By cell = By.id("effective-all-" + field);
        b.waitForText(cell, value);
        WebElement e = b.waitFor(cell);
        assertThat(e.getText()).as(field).startsWith(value).contains(from);
        assertThat(e.getDomAttribute("data-source")).as(field).isEqualTo(source);
    }

    private static String value(WebElement form, String name) {
        WebElement input = form.findElement(By.name(name));
        return input.getTagName().equals("select")
                ? new Select(input).getFirstSelectedOption().getAttribute("value")
                : input.getDomProperty("value");
    }

    private static JsonPath tenantLimits(String token, String tenantId) {
        return given().auth()
                .oauth2(token)
                .get(API + "/tenants/" + tenantId + "/limits")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}
