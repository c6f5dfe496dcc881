package io.ascendant.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The budget story end to end with quotas enforced: a tenant, a key and a money budget made in the console, chat
 * requests through the gateway (fake model hosts) with that key until {@code 429 quota_exceeded}, then the spend, the
 * budget bar and the threshold event in the console.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class ConsoleQuotaTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @TestHTTPResource("/admin/")
    URL console;

    @BeforeEach
    void pointConsoleClientAtThisGateway() throws Exception {
        ConsoleClientSetup.allowOrigin(keycloak, console);
    }

    @Test
    void moneyBudgetSetInTheConsoleStopsTheKeyAndShowsInTheConsole() throws Exception {
        TestUser admin = keycloak.platformAdmin();
        String slug = "budget-" + UUID.randomUUID().toString().substring(0, 8);
        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.signIn(console.toString(), admin.username(), admin.password());
            WebElement create = b.form("Create a tenant");
            ConsoleBrowser.fill(create, "slug", slug);
            ConsoleBrowser.fill(create, "displayName", "Budget Co");
            ConsoleBrowser.fill(create, "timeZone", "UTC");
            ConsoleBrowser.submit(create);
            b.waitForText(By.tagName("h1"), "Budget Co");
            WebElement project = b.form("Create a project");
            ConsoleBrowser.fill(project, "name", "app");
            ConsoleBrowser.submit(project);
            WebElement keyForm = b.form("Create an API key");
            ConsoleBrowser.fill(keyForm, "name", "budgeted");
            ConsoleBrowser.submit(keyForm);
            String secret = b.waitFor(By.id("new-secret")).getAttribute("value");

            b.driver.findElement(By.linkText("Limits & budgets")).click();
            WebElement limits = b.form("Set limits");
            ConsoleBrowser.fill(limits, "scope", "tenant");
            // Above the plan's 600/minute, so a fast machine's loop meets the budget, not the rate limit.
            ConsoleBrowser.fill(limits, "limits.requestsPerMinute", "1000000");
            ConsoleBrowser.fill(limits, "limits.budgetPeriod", "MONTH");
            ConsoleBrowser.fill(limits, "limits.budgetAmount", "0.0005");
            ConsoleBrowser.submit(limits);
            b.waitFor(By.id("budget-money"));

            // A key-level money budget beside it, roomy enough that the tenant's runs out first.
            limits = b.form("Set limits");
            String keyScope = new Select(limits.findElement(By.name("scope")))
                    .getOptions().stream()
                            .map(o -> o.getAttribute("value"))
                            .filter(v -> v.startsWith("key:"))
                            .findFirst()
                            .orElseThrow();
            String keyId = keyScope.substring("key:".length());
            String tenantId = b.driver.getCurrentUrl().replaceAll(".*#/tenants/([^/]+).*", "$1");
            ConsoleBrowser.fill(limits, "scope", keyScope);
            ConsoleBrowser.fill(limits, "limits.budgetPeriod", "MONTH");
            ConsoleBrowser.fill(limits, "limits.budgetAmount", "5.00");
            ConsoleBrowser.submit(limits);
            // A shadow money budget on the key (limits on trial are set through the admin API): drawn as shadow.
            given().auth()
                    .oauth2(keycloak.accessToken(admin))
                    .contentType("application/json")
                    .body("{\"scope\":\"KEY\",\"ownerId\":\"" + keyId
                            + "\",\"model\":\"*\",\"budgetPeriod\":\"MONTH\",\"budgetAmount\":2.00}")
                    .when()
                    .post("/admin/api/v1/tenants/" + tenantId + "/shadow-limits")
                    .then()
                    .statusCode(201);
            // No request yet under the key budget: its bar is there already, empty.
            WebElement unused = b.waitFor(By.id("budget-key-" + keyId + "-money"));
            assertThat(unused.getText()).contains("Key budgeted", "of $5.00");
            assertThat(new java.math.BigDecimal(unused.getAttribute("data-settled")))
                    .isZero();
            assertThat(unused.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow"))
                    .isEqualTo("0");

            // Chat through the gateway with the key until the budget refuses.
            Response last = null;
            int ok = 0;
            for (int i = 0; i < 300; i++) {
                last = given().header("Authorization", "Bearer " + secret)
                        .contentType("application/json")
                        .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello, request " + i + "\"}]}")
                        .when()
                        .post("/v1/chat/completions");
                if (last.statusCode() != 200) {
                    break;
                }
                ok++;
            }
            assertThat(ok).as("requests admitted before the budget ran out").isPositive();
            assertThat(last.statusCode()).as(last.asString()).isEqualTo(429);
            assertThat(last.jsonPath().getString("error.code")).isEqualTo("quota_exceeded");

            b.driver.navigate().refresh();
            WebElement budget = b.waitFor(By.id("budget-money"));
            WebElement bar = budget.findElement(By.cssSelector("[role=progressbar]"));
            // Refused: the budget is used up, shown full, with the refusal's time; the settled spend is beside it.
            assertThat(bar.getAttribute("aria-valuenow")).isEqualTo("100");
            assertThat(budget.getAttribute("data-exhausted")).isEqualTo("true");
            String tenantSettled = budget.getAttribute("data-settled");
            assertThat(budget.getText()).contains("Used up", "quota_exceeded", "Settled $");
            // The soft-threshold marks are the configured ones (the test profile's 50 %), not a fixed 80 %.
            assertThat(bar.findElements(By.cssSelector(".mark")))
                    .singleElement()
                    .extracting(m -> m.getAttribute("data-threshold"))
                    .isEqualTo("50");
            assertThat(b.driver.findElement(By.id("budget-legend")).getText()).contains("50 %");
            // The key's own budget: a bar with the same marks, its settled part the same ledger sum as the tenant's
            // (one key), not refused (the tenant budget refused first).
            WebElement keyBudget = b.waitFor(By.id("budget-key-" + keyId + "-money"));
            WebElement keyBar = keyBudget.findElement(By.cssSelector("[role=progressbar]"));
            assertThat(keyBudget.getText()).contains("Key budgeted", "settled", "of $5.00");
            assertThat(keyBudget.getAttribute("data-exhausted")).isEqualTo("false");
            assertThat(keyBudget.getAttribute("data-shadow")).isEqualTo("false");
            assertThat(keyBudget.getAttribute("data-settled")).isEqualTo(tenantSettled);
            assertThat(new java.math.BigDecimal(keyBudget.getAttribute("data-settled")))
                    .isPositive();
            assertThat(Integer.parseInt(keyBar.getAttribute("aria-valuenow"))).isBetween(0, 99);
            assertThat(keyBar.findElements(By.cssSelector(".mark")))
                    .singleElement()
                    .extracting(m -> m.getAttribute("data-threshold"))
                    .isEqualTo("50");
            WebElement shadow = b.driver.findElement(By.id("budget-key-" + keyId + "-shadow-money"));
            assertThat(shadow.getAttribute("data-shadow")).isEqualTo("true");
            assertThat(shadow.getAttribute("data-exhausted")).isEqualTo("false");
            assertThat(shadow.getText()).contains("shadow", "Shadow mode: counted, never refuses", "of $2.00");
            assertThat(b.driver.findElement(By.id("budgets-project")).getText()).contains("No project budget set.");
            // One page holds them all: no "More" buttons.
            assertThat(b.driver.findElement(By.id("more-key-budgets")).isDisplayed())
                    .isFalse();
            assertThat(b.driver.findElement(By.id("more-project-budgets")).isDisplayed())
                    .isFalse();
            b.waitForText(By.cssSelector("section[aria-labelledby=events-h]"), "THRESHOLD");
            String events = b.driver
                    .findElement(By.cssSelector("section[aria-labelledby=events-h]"))
                    .getText();
            assertThat(events).contains("50 %", "EXHAUSTED");
            assertThat(b.seriousAccessibilityViolations())
                    .as("axe-core on the budgets")
                    .isEmpty();
            b.screenshot("tenant-budget-spent");

            b.driver.findElement(By.linkText("Usage")).click();
            b.waitFor(By.id("usage-chart"));
            ConsoleBrowser.fill(b.form("Usage range"), "by", "model");
            ConsoleBrowser.submit(b.form("Usage range"));
            b.waitForText(By.cssSelector("main table"), "deepseek-v4-flash");
            String byModel = b.driver.findElement(By.cssSelector("main table")).getText();
            assertThat(byModel).contains(String.valueOf(ok));
            // The totals row is the server's: its money is the exact decimal the summary API returns.
            WebElement totalMoney = b.driver.findElement(By.cssSelector("main table tfoot [data-amount]"));
            assertThat(b.driver.findElement(By.cssSelector("main table tfoot")).getText())
                    .startsWith("Total");
            assertThat(new java.math.BigDecimal(totalMoney.getAttribute("data-amount")))
                    .isEqualByComparingTo(new java.math.BigDecimal(tenantSettled));
            b.screenshot("tenant-usage-by-model");

            // By hour, in the tenant's time zone (UTC here): the same requests, from the hourly rollup.
            ConsoleBrowser.fill(b.form("Usage range"), "by", "hour");
            ConsoleBrowser.submit(b.form("Usage range"));
            b.waitForText(By.cssSelector("main table caption"), "Usage by hour, UTC");
            String hourly = b.driver.findElement(By.cssSelector("main table")).getText();
            String thisHour = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                    .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    .toLocalDateTime()
                    .toString()
                    .replace('T', ' ');
            String previousHour = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                    .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    .minusHours(1)
                    .toLocalDateTime()
                    .toString()
                    .replace('T', ' ');
            assertThat(hourly).containsAnyOf(thisHour, previousHour);
            assertThat(b.seriousAccessibilityViolations())
                    .as("axe-core on usage by hour")
                    .isEmpty();
            b.screenshot("tenant-usage-by-hour");
            b.driver.findElement(By.id("usage-csv")).click();
            String csv = new String(b.awaitDownload(".csv"), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(csv.lines().findFirst().orElseThrow()).startsWith("hour,model,project_id,key_id,requests");
            long requests = csv.lines()
                    .skip(1)
                    .mapToLong(l -> Long.parseLong(l.split(",")[4]))
                    .sum();
            assertThat(requests).isEqualTo(ok);
        }
    }
}
