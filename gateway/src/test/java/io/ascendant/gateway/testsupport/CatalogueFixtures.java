package io.ascendant.gateway.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.hamcrest.Matchers;

/**
 * Model routes, pools and list prices made through the catalogue and billing admin API (REST Assured against the app
 * under test) as a platform admin, for tests that route a model of their own. The token is the caller's: usually
 * {@code keycloak.accessToken(keycloak.platformAdmin())}. Routes and pools live in the shared database, so a test
 * that creates one deletes it again or uses a name no other test changes differently.
 */
public final class CatalogueFixtures {

    private CatalogueFixtures() {}

    /** PUTs model route {@code name} with a JSON body; the answer is the caller's to check. */
    public static ValidatableResponse putModel(String token, String name, String body) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(body)
                .when()
                .put(AdminFixtures.API + "/models/" + name)
                .then();
    }

    /**
     * Creates or replaces model route {@code name} on {@code pool}, billed at {@code priceTier}, with a context window
     * ({@code contextLength} tokens, prompt plus output) and an output limit; expects 201 (created) or 200 (replaced).
     * The catalogue applies it asynchronously: wait for it in the gateway's {@code ModelCatalogue} before use.
     */
    public static void putRouteWithContextWindow(
            String token, String name, String pool, String priceTier, long maxOutputTokens, long contextLength) {
        putModel(
                        token,
                        name,
                        "{\"pool\":\"" + pool + "\",\"priceTier\":\"" + priceTier + "\",\"maxOutputTokens\":"
                                + maxOutputTokens + ",\"contextLength\":" + contextLength + "}")
                .statusCode(Matchers.oneOf(200, 201));
    }

    /** Clean-up: deletes a model route whether or not the test got as far as storing it. */
    public static void deleteModelIfStored(String token, String name) {
        given().auth().oauth2(token).when().delete(AdminFixtures.API + "/models/" + name);
    }

    /** Creates CPU pool {@code name} (no endpoints); expects 201. */
    public static void putPool(String token, String name) {
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"accelerator\":\"cpu\"}")
                .when()
                .put(AdminFixtures.API + "/pools/" + name)
                .then()
                .statusCode(201);
    }

    /** Registers endpoint {@code baseUrl} in pool {@code pool}; expects 201 and returns its id. */
    public static String registerEndpoint(String token, String pool, String baseUrl) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"baseUrl\":\"" + baseUrl + "\"}")
                .when()
                .post(AdminFixtures.API + "/pools/" + pool + "/endpoints")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Marks registered endpoint {@code id} of pool {@code pool} draining (or not); expects 204. */
    public static void drainEndpoint(String token, String pool, String id, boolean draining) {
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"draining\":" + draining + "}")
                .when()
                .patch(AdminFixtures.API + "/pools/" + pool + "/endpoints/" + id)
                .then()
                .statusCode(204);
    }

    /** Clean-up: deletes a pool (and its registered endpoints) whether or not the test got as far as creating it. */
    public static void deletePoolIfStored(String token, String name) {
        given().auth().oauth2(token).when().delete(AdminFixtures.API + "/pools/" + name);
    }

    /** Deletes pool {@code name}; expects 204. */
    public static void deletePool(String token, String name) {
        given().auth()
                .oauth2(token)
                .when()
                .delete(AdminFixtures.API + "/pools/" + name)
                .then()
                .statusCode(204);
    }

    /**
     * Gives {@code tier} a list price in every currency the price book has list prices in (unless it has one), as an
     * admin must before routing a model to a new tier; it starts a day from now, which the catalogue accepts.
     */
    public static void addListPricesFor(String token, String tier) {
        List<Map<String, Object>> versions = given().auth()
                .oauth2(token)
                .when()
                .get(AdminFixtures.API + "/billing/price-book")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        Set<String> currencies = new TreeSet<>();
        Set<String> priced = new TreeSet<>();
        for (Map<String, Object> v : versions) {
            if (v.get("tenantId") == null) {
                currencies.add((String) v.get("currency"));
                if (tier.equals(v.get("model"))) {
                    priced.add((String) v.get("currency"));
                }
            }
        }
        currencies.removeAll(priced);
        for (String currency : currencies) {
            given().auth()
                    .oauth2(token)
                    .contentType("application/json")
                    .body(Map.of(
                            "model",
                            tier,
                            "currency",
                            currency,
                            "effectiveFrom",
                            Instant.now().plus(Duration.ofDays(1)).toString(),
                            "rates",
                            Map.of("cacheHit", "0.01", "cacheMiss", "0.1", "output", "0.2"),
                            "source",
                            "catalogue admin test"))
                    .when()
                    .post(AdminFixtures.API + "/billing/price-book")
                    .then()
                    .statusCode(201);
        }
    }

    /** Routes and aliases stored under public name {@code name} (0 when the name is free). */
    public static int storedRouteCount(DataSource dataSource, String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("select (select count(*) from model_route where public_name = ?)"
                                + " + (select count(*) from model_alias where public_name = ?)")) {
            s.setString(1, name);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
