package io.ascendant.tenancy;

import static io.ascendant.gateway.testsupport.AdminFixtures.API;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An empty, blank or over-long API key or project name is refused with one message that says what is wrong: an empty
 * name is blank (it used to be reported as also containing control characters), an over-long one names the limit
 * (not "between 0 and 100").
 */
@QuarkusTest
class KeyAndProjectNameTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String NO_CONTROL =
            "must not contain control characters or invisible format characters (such as U+202E)";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void emptyOrBlankKeyNameSaysOnlyThatTheNameMustNotBeBlank() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "keyname");
        String project = newProject(admin, tenant, "p");
        for (String name : new String[] {"", "   "}) {
            createKey(admin, tenant, project, name)
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("name"))
                    .body("errors", hasSize(1))
                    .body("errors[0].message", equalTo("must not be blank"))
                    .body("detail", equalTo("name: must not be blank"));
        }
    }

    @Test
    void overLongKeyNameNamesTheLimit() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "keylong");
        String project = newProject(admin, tenant, "p");
        createKey(admin, tenant, project, "k".repeat(101))
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("name"))
                .body("detail", equalTo("name: must have at most 100 characters"));
        createKey(admin, tenant, project, "k".repeat(100)).statusCode(201);
        // A control character is still refused as such.
        createKey(admin, tenant, project, "a\u0007b").statusCode(400).body("detail", equalTo("name: " + NO_CONTROL));
    }

    @Test
    void bidiAndOtherInvisibleFormatCharactersAreRefusedInKeyProjectAndTenantNames() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "bidi");
        String project = newProject(admin, tenant, "p");
        // U+202E (right-to-left override) makes "invoice\u202Egpj.exe" read as "invoiceexe.jpg".
        for (String name : new String[] {"invoice\u202Egpj.exe", "zero\u200Bwidth", "\uFEFFbom", "c1\u0085ctl"}) {
            createKey(admin, tenant, project, name)
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("name"))
                    .body("detail", equalTo("name: " + NO_CONTROL));
        }
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "proj\u202Eect"))
                .when()
                .post(API + "/tenants/" + tenant + "/projects")
                .then()
                .statusCode(400)
                .body("field", equalTo("name"))
                .body("detail", equalTo("name: " + NO_CONTROL));
        renameProject(admin, tenant, project, "p\u2066isolate\u2069")
                .statusCode(400)
                .body("field", equalTo("name"))
                .body("detail", equalTo("name: " + NO_CONTROL));
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("displayName", "Tenant \u202Eevil"))
                .when()
                .patch(API + "/tenants/" + tenant)
                .then()
                .statusCode(400)
                .body("field", equalTo("displayName"))
                .body("detail", equalTo("displayName: " + NO_CONTROL));
        // Joiners that scripts and emoji need stay allowed (Persian with U+200C, a family emoji with U+200D).
        createKey(admin, tenant, project, "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
                .statusCode(201);
        createKey(admin, tenant, project, "team \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67")
                .statusCode(201);
    }

    @Test
    void emptyBlankOrOverLongProjectNameIsRefusedWithOneClearMessage() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "projname");
        for (String name : new String[] {"", "   "}) {
            given().auth()
                    .oauth2(admin)
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", name))
                    .when()
                    .post(API + "/tenants/" + tenant + "/projects")
                    .then()
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("errors", hasSize(1))
                    .body("detail", equalTo("name: must not be blank"));
        }
        String project = newProject(admin, tenant, "keeps-its-name");
        for (String name : new String[] {"", "   "}) {
            renameProject(admin, tenant, project, name)
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("name"))
                    .body("errors", hasSize(1))
                    .body("detail", equalTo("name: must not be blank"));
        }
        renameProject(admin, tenant, project, "p".repeat(101))
                .statusCode(400)
                .body("detail", equalTo("name: must have at most 100 characters"));
        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/tenants/" + tenant + "/projects/" + project)
                .then()
                .statusCode(200)
                .body("name", equalTo("keeps-its-name"));
    }

    private static ValidatableResponse createKey(String admin, String tenant, String project, String name) {
        return given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .when()
                .post(API + "/tenants/" + tenant + "/projects/" + project + "/keys")
                .then();
    }

    private static ValidatableResponse renameProject(String admin, String tenant, String project, String name) {
        return given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .when()
                .patch(API + "/tenants/" + tenant + "/projects/" + project)
                .then();
    }
}
