package io.ascendant.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Drafting a tenant's invoice answers like every other create: 201 with {@code Location} naming the invoice in the
 * admin API when the draft is new, and 200 (no {@code Location}) when the month's existing draft was recomputed.
 */
@QuarkusTest
class InvoiceDraftCreatedTest {

    private static final String BASE = "/admin/api/v1/billing";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Test
    void aNewDraftIsCreatedWithItsLocationAndARedraftIsOk() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        UUID t = fixtures.account("USD", "UTC", "0", "0");

        Response created = draft(admin, t, "2026-08");
        created.then().statusCode(201).body("status", equalTo("DRAFT"));
        String id = created.path("id");
        String location = created.header("Location");
        assertThat(location).isNotNull();
        assertThat(URI.create(location).getPath()).isEqualTo(BASE + "/invoices/" + id);
        given().auth()
                .oauth2(admin)
                .when()
                .get(URI.create(location).getPath())
                .then()
                .statusCode(200)
                .body("id", equalTo(id));

        Response again = draft(admin, t, "2026-08");
        again.then().statusCode(200).header("Location", nullValue()).body("id", equalTo(id));
    }

    private static Response draft(String admin, UUID tenant, String period) {
        return given().auth()
                .oauth2(admin)
                .queryParam("period", period)
                .when()
                .post(BASE + "/tenants/" + tenant + "/invoices");
    }
}
