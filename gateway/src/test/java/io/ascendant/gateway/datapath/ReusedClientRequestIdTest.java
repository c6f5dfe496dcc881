package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.testsupport.TenantLimitRows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client's {@code x-request-id} is a correlation id, never the key of the usage ledger or of the quota holds:
 * clients reuse ids (a fixed id in a script, two tenants picking the same one), and every such request is a request
 * of its own, charged and settled on its own. The gateway used to take the client's id as the request id: five
 * requests with one id left one usage row (four answers unbilled), a second tenant's request with an id another tenant
 * had used left no row at all, and the budget holds of the unrecorded requests were never settled, so a small token
 * budget refused later requests as "held by requests in flight".
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class ReusedClientRequestIdTest {
    private static final String GATEWAY_ID = "req_[0-9a-f]{24}";
    private static final long MAX_TOKENS = 200;

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    @Inject
    UsageLedger ledger;

    @Inject
    DataSource ds;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    @Test
    void billsEveryRequestThatReusesAClientRequestId() throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        String clientId = "t6-free-" + UUID.randomUUID();

        List<String> gatewayIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Response r = chat(key, clientId);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
            assertThat(r.header("x-request-id")).as("the client's id is echoed").isEqualTo(clientId);
            assertThat(r.header("x-ascendant-request-id")).matches(GATEWAY_ID);
            gatewayIds.add(r.header("x-ascendant-request-id"));
        }
        assertThat(gatewayIds).as("one gateway id per request").doesNotHaveDuplicates();

        assertThat(FakeHostsResource.PRO.receivedRequestIds())
                .as("the host gets the client's id")
                .containsExactly(clientId, clientId, clientId, clientId, clientId);
        assertThat(FakeHostsResource.PRO.receivedGatewayRequestIds())
                .as("and the gateway's own id beside it")
                .containsExactlyElementsOf(gatewayIds);

        List<String[]> rows = rowsWithClientId(key, clientId);
        assertThat(rows).as("one usage row per request").hasSize(5);
        assertThat(rows).extracting(row -> row[0]).containsExactlyInAnyOrderElementsOf(gatewayIds);
        for (String[] row : rows) {
            assertThat(row[1]).as("rated, not UNPRICED").isNotEqualTo(PriceWindow.UNPRICED.name());
            assertThat(new BigDecimal(row[2])).as("charged").isPositive();
        }

        List<RatedUsage> byClientId = ledger.findByEitherId(key.tenantId(), clientId);
        assertThat(byClientId)
                .hasSize(5)
                .allSatisfy(u -> assertThat(u.event().clientRequestId()).isEqualTo(clientId));
        assertThat(ledger.findByEitherId(key.tenantId(), gatewayIds.get(2)))
                .singleElement()
                .satisfies(u -> assertThat(u.requestId()).isEqualTo(gatewayIds.get(2)));
    }

    @Test
    void tenantsUsingTheSameClientRequestIdAreEachBilled() throws Exception {
        TestKeys.Key a = keys.create(Set.of());
        TestKeys.Key b = keys.create(Set.of());
        String clientId = "shared-" + UUID.randomUUID();

        Response ra = chat(a, clientId);
        Response rb = chat(b, clientId);
        assertThat(ra.statusCode()).as(ra.asString()).isEqualTo(200);
        assertThat(rb.statusCode()).as(rb.asString()).isEqualTo(200);
        assertThat(rb.header("x-request-id")).isEqualTo(clientId);

        assertThat(rowsWithClientId(a, clientId))
                .singleElement()
                .satisfies(row -> assertThat(row[0]).isEqualTo(ra.header("x-ascendant-request-id")));
        assertThat(rowsWithClientId(b, clientId))
                .as("tenant B's request has a row of its own")
                .singleElement()
                .satisfies(row -> assertThat(row[0]).isEqualTo(rb.header("x-ascendant-request-id")));
        assertThat(ledger.findByEitherId(b.tenantId(), clientId)).hasSize(1);
    }

    @Test
    void holdsOfRequestsReusingAClientRequestIdSettleAndLaterRequestsAreAdmitted() throws Exception {
        // What one request uses (prompt + output as the host reports them), from a tenant without a budget.
        TestKeys.Key probe = keys.create(Set.of());
        Response first = chat(probe, "probe-" + UUID.randomUUID());
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(200);
        LedgerUsageSink.Metered m = metered.single(first.header("x-ascendant-request-id"));
        long used = m.event().promptTokens() + m.event().completionTokens();
        long worstCase = m.event().promptTokens() + MAX_TOKENS;
        assertThat(worstCase)
                .as("a leaked hold (worst case) is worth more than four requests' use")
                .isGreaterThan(4 * used + 2);

        // Six requests fit: five used plus the sixth's worst-case hold. Two leaked holds would not.
        TestKeys.Key key = keys.create(Set.of());
        TenantLimitRows.tokenBudget(ds, key.tenantId(), "DAY", 5 * used + worstCase + 2);
        String clientId = "budget-" + UUID.randomUUID();
        List<String> gatewayIds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Response r = chat(key, i < 5 ? clientId : "later-" + UUID.randomUUID());
            assertThat(r.statusCode())
                    .as("request %d admitted within the budget: %s", i, r.asString())
                    .isEqualTo(200);
            gatewayIds.add(r.header("x-ascendant-request-id"));
        }
        for (String id : gatewayIds) {
            DataPathTestSupport.await("the budget hold of " + id + " is settled", () -> settlements(id) == 1);
        }
        assertThat(rowsWithClientId(key, clientId)).hasSize(5);
    }

    private static Response chat(TestKeys.Key key, String clientId) {
        String body = new JsonObject()
                .put("model", "deepseek-v4-pro")
                .put("max_tokens", MAX_TOKENS)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
        return given().auth()
                .oauth2(key.text())
                .header("x-request-id", clientId)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions")
                .then()
                .extract()
                .response();
    }

    /** (request_id, price_window, amount) of the tenant's rows stored with this client id. */
    private List<String[]> rowsWithClientId(TestKeys.Key key, String clientId) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT request_id, price_window, amount FROM usage_ledger"
                        + " WHERE tenant_id = ? AND client_request_id = ?")) {
            ps.setObject(1, key.tenantId());
            ps.setString(2, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {
                        rs.getString(1), rs.getString(2), rs.getBigDecimal(3).toPlainString()
                    });
                }
            }
        }
        return out;
    }

    private long settlements(String requestId) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM quota_settlement WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
