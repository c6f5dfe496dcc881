package io.ascendant.gateway.testsupport;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Spending through the data path and reading the admin budgets API ({@code /admin/api/v1/tenants/{id}/budgets}) in
 * quota-enabled tests: JSON numbers are read as BigDecimal, so settled amounts compare exactly with the ledger.
 */
public final class BudgetReports {

    private static final String API = "/admin/api/v1";

    /** JSON numbers as BigDecimal. */
    public static final JsonPathConfig EXACT =
            JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL);

    private BudgetReports() {}

    /** Sends {@code n} chat requests with {@code secret}; each must be admitted. Returns {@code n}. */
    public static int spend(String secret, int n) {
        for (int i = 0; i < n; i++) {
            Response r = given().header("Authorization", "Bearer " + secret)
                    .contentType("application/json")
                    .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Spend, take " + i + "\"}]}")
                    .when()
                    .post("/v1/chat/completions");
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        }
        return n;
    }

    /** {@code GET .../tenants/{tenant}/budgets?level=...}, numbers read exactly. */
    public static JsonPath budgets(String token, String tenant, String level, String cursor, int limit) {
        var spec = given().auth().oauth2(token).queryParam("level", level).queryParam("limit", limit);
        if (cursor != null) {
            spec = spec.queryParam("cursor", cursor);
        }
        return spec.when()
                .get(API + "/tenants/" + tenant + "/budgets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath(EXACT);
    }

    /** The one budget of {@code unit} (MONEY or TOKENS), shadow or not, in a budgets page; fails when not exactly one. */
    public static Map<String, Object> only(JsonPath report, String unit, boolean shadow) {
        List<Map<String, Object>> budgets = report.getList("budgets");
        List<Map<String, Object>> ofUnit = budgets.stream()
                .filter(b ->
                        unit.equals(b.get("unit")) && Boolean.valueOf(shadow).equals(b.get("shadow")))
                .toList();
        assertThat(ofUnit)
                .as(unit + (shadow ? " shadow" : "") + " budgets in " + budgets)
                .hasSize(1);
        return ofUnit.getFirst();
    }

    /** A JSON number read exactly (integers come back as Integer or Long, fractions as BigDecimal). */
    public static BigDecimal dec(Object jsonNumber) {
        return new BigDecimal(jsonNumber.toString());
    }

    /** A decimal without trailing zeros, as the API writes money. */
    public static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    /**
     * What {@link #spendUntilRefused} saw.
     *
     * @param admitted requests answered 200 before the first refusal
     * @param refusal the first answer that was not 200 (null if none came within the attempts)
     */
    public record Spending(int admitted, Response refusal) {}

    /**
     * Sends chat requests with {@code secret} (prompts {@code "<prompt>, take <i>"}) until one is not answered 200, at
     * most 300.
     */
    public static Spending spendUntilRefused(String secret, String prompt) {
        for (int i = 0; i < 300; i++) {
            Response r = given().header("Authorization", "Bearer " + secret)
                    .contentType("application/json")
                    .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + ", take " + i + "\"}]}")
                    .when()
                    .post("/v1/chat/completions");
            if (r.statusCode() != 200) {
                return new Spending(i, r);
            }
        }
        return new Spending(300, null);
    }
}
