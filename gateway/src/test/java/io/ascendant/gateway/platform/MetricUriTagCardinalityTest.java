package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.datapath.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code uri} tag of {@code http_server_requests_seconds} takes values from a fixed set whatever paths clients
 * send: made-up paths, with or without a key, must not fill Micrometer's cap of 100 uri values, after which real
 * requests are no longer recorded. Sent over a raw socket so malformed targets reach the server as written.
 */
@QuarkusTest
class MetricUriTagCardinalityTest {

    private static final Pattern REQUESTS_COUNT =
            Pattern.compile("(?m)^http_server_requests_seconds_count\\{(.*)} ([0-9.E]+)$");
    private static final Pattern URI = Pattern.compile("uri=\"([^\"]*)\"");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-");
    private static final String MARKER = "zq" + UUID.randomUUID().toString().substring(0, 8);

    @Inject
    TestKeys keys;

    @Test
    void madeUpPathsDoNotFillTheUriTagsAndRealRequestsAreStillRecorded() {
        String key = keys.create(Set.of()).text();
        Map<String, String> noKey = Map.of();
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + key);
        for (int i = 0; i < 30; i++) {
            RawHttp.send("GET", "/v1/models/a%zz" + MARKER + i, noKey, null);
            RawHttp.send("GET", "/v1/models/acme//" + MARKER + i, bearer, null);
            RawHttp.send("DELETE", "/v1/models/" + MARKER + i, bearer, null);
            RawHttp.send("POST", "/admin/api/v1/tenants/" + UUID.randomUUID() + "/suspend?" + MARKER, noKey, "{}");
            RawHttp.send("GET", "/v1/" + MARKER + i, noKey, null);
        }

        double before = count("/v1/models/{id}", "200");
        given().auth()
                .oauth2(key)
                .when()
                .get("/v1/models/deepseek-v4-flash")
                .then()
                .statusCode(200);

        Set<String> uris = uriValues();
        assertThat(uris)
                .as("uri tag values")
                .noneMatch(u -> u.contains(MARKER) || UUID_TEXT.matcher(u).find());
        assertThat(uris.size()).as("distinct uri tag values: %s", uris).isLessThan(100);
        assertThat(countOnceRecorded("/v1/models/{id}", "200", before + 1))
                .as("the real request is recorded under its template; recorded: %s", requestLines())
                .isEqualTo(before + 1);
    }

    /** The server records a request when its response has ended, which may be just after the client has it. */
    private static double countOnceRecorded(String uri, String status, double expected) {
        double seen = count(uri, status);
        for (int i = 0; i < 50 && seen < expected; i++) {
            Thread.onSpinWait();
            seen = count(uri, status);
        }
        return seen;
    }

    private static List<String> requestLines() {
        return metrics()
                .lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count"))
                .toList();
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static Set<String> uriValues() {
        Set<String> uris = new TreeSet<>();
        Matcher m = REQUESTS_COUNT.matcher(metrics());
        while (m.find()) {
            Matcher u = URI.matcher(m.group(1));
            if (u.find()) {
                uris.add(u.group(1));
            }
        }
        return uris;
    }

    private static double count(String uri, String status) {
        double total = 0;
        Matcher m = REQUESTS_COUNT.matcher(metrics());
        while (m.find()) {
            String tags = m.group(1);
            if (tags.contains("uri=\"" + uri + "\"") && tags.contains("status=\"" + status + "\"")) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
