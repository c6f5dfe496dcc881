package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Admins racing to create the same tenant slug: the database's unique constraint decides the race, and every loser
 * gets the same 409 problem the "already exists" check gives, never a 500, and leaves nothing behind.
 */
@QuarkusTest
class ConcurrentTenantCreateTest {

    private static final int RACERS = 12;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    AgroalDataSource db;

    @Test
    void concurrentCreatesWithOneSlugGiveOneCreatedAndConflictsForTheRest() throws Exception {
        TenancyFixtures fx = new TenancyFixtures(keycloak);
        String token = fx.platformToken();
        String slug = TenancyFixtures.uniqueSlug("racer");
        Map<String, String> body =
                Map.of("slug", slug, "displayName", "Racer " + slug, "currency", "USD", "timeZone", "UTC");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
            for (int i = 0; i < RACERS; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().auth()
                            .oauth2(token)
                            .contentType(ContentType.JSON)
                            .body(body)
                            .when()
                            .post("/admin/api/v1/tenants")
                            .andReturn();
                }));
            }
            start.countDown();
        }

        int created = 0;
        for (Future<Response> f : answers) {
            Response r = f.get();
            if (r.statusCode() == 201) {
                created++;
                continue;
            }
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(409);
            assertThat(r.contentType()).startsWith("application/problem+json");
            JsonPath p = r.jsonPath();
            assertThat(p.getString("type")).isEqualTo("urn:ascendant:problem:conflict");
            assertThat(p.getInt("status")).isEqualTo(409);
            assertThat(p.getString("field")).isEqualTo("slug");
        }
        assertThat(created).isEqualTo(1);
        assertThat(count("select count(*) from tenant where slug = ?", slug)).isEqualTo(1);
        assertThat(count(
                        "select count(*) from billing_account b join tenant t on t.id = b.tenant_id where t.slug = ?",
                        slug))
                .isEqualTo(1);
        assertThat(count("select count(*) from billing_account where display_name = ?", "Racer " + slug))
                .isEqualTo(1);
        assertThat(organizationsWithAlias(slug)).isEqualTo(1);
    }

    private long count(String sql, String param) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long organizationsWithAlias(String alias) throws Exception {
        HttpResponse<String> orgs = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(keycloak.baseUrl()
                                        + "/admin/realms/ascendant/organizations?max=1000&search=" + alias))
                                .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(orgs.statusCode()).isEqualTo(200);
        List<String> aliases = JsonPath.from(orgs.body()).getList("alias");
        return aliases.stream().filter(alias::equals).count();
    }
}
