package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An admin path written with an encoded slash ({@code /admin/api%2fv1/tenants}) or naming no admin resource, sent
 * without credentials, is the admin API's 401 problem document with the bearer challenge, like any admin path: Vert.x
 * keeps {@code %2F} in the normalised path, so it used to miss the admin filters and get the security layer's empty
 * 401. The console's public files stay public.
 */
@QuarkusTest
class EncodedSlashAdminPathTest {

    @Test
    void adminPathsWithEncodedSlashesWithoutCredentialsAreA401Problem() {
        for (String target : List.of(
                "/admin/api%2fv1/tenants",
                "/admin/api%2Fv1/tenants",
                "/admin%2Fapi/v1/tenants",
                "/admin/api/v1%2ftenants?limit=1",
                "/admin/no-such-resource")) {
            RawHttp.Answer a = RawHttp.send("GET", target, Map.of(), null);
            assertThat(a.status()).as(target).isEqualTo(401);
            assertThat(a.contentType()).as(target).startsWith("application/problem+json");
            assertThat(a.headers().get("www-authenticate")).as(target).startsWith("Bearer");
            assertThat(a.json().getString("type")).as(target).isEqualTo("urn:ascendant:problem:unauthenticated");
            assertThat(a.json().getInt("status")).as(target).isEqualTo(401);
            assertThat(a.json().getString("detail")).as(target).contains("bearer token");
        }
    }

    @Test
    void consoleFilesStayPublic() {
        for (String target : List.of("/admin/", "/admin/console/config.json")) {
            RawHttp.Answer a = RawHttp.send("GET", target, Map.of(), null);
            assertThat(a.status()).as(target).isEqualTo(200);
        }
    }
}
