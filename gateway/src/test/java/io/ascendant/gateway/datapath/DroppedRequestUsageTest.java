package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.fakehost.FakeModelHost.Behaviour;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.ascendant.gateway.metering.TokenCounter;
import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.testsupport.TenantLimitRows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A non-streamed request whose client leaves while the host works on it: the host had the prompt, so the request is
 * metered CANCELLED with its prompt tokens as the gateway's tokenizer counts them (all cache misses, no output,
 * marked counted by the gateway), rated at the input cache-miss price, and the tenant's budget settles to that same
 * amount. One usage record, as always.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class DroppedRequestUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    @Inject
    TokenCounter tokens;

    @Inject
    DataSource ds;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    @Test
    void chargesThePromptOfANonStreamedRequestWhoseClientLeftWhileTheHostWorked() throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        TenantLimitRows.moneyBudget(ds, key.tenantId(), "DAY", new BigDecimal("100"));
        FakeModelHost pro = FakeHostsResource.PRO;
        pro.defaultBehaviour(Behaviour.HANG); // the host works on it and has sent nothing yet
        String requestId = "dropped-unary-" + UUID.randomUUID();
        byte[] body = ("{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":\"Explain prefix caching in three sentences.\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + key.text() + "\r\nContent-Type: application/json\r\nx-request-id: " + requestId
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            DataPathTestSupport.await("host got the request", () -> pro.requestCount() == 1);
        } // the client leaves before any answer
        DataPathTestSupport.await("host saw the abort", () -> pro.clientAborts() == 1);

        ObjectNode hostBody = (ObjectNode) JSON.readTree(pro.received().get(0).encode());
        long prompt = tokens.countPrompt(hostBody, null);
        assertThat(prompt).isPositive();

        LedgerUsageSink.Metered m = metered.single(requestId);
        UsageEvent e = m.event();
        assertThat(e.status()).isEqualTo(UsageStatus.CANCELLED);
        assertThat(e.countedByGateway()).isTrue();
        assertThat(e.promptCacheHitTokens()).isZero();
        assertThat(e.promptCacheMissTokens()).isEqualTo(prompt);
        assertThat(e.completionTokens()).isZero();
        assertThat(e.reasoningTokens()).isZero();
        assertThat(e.hostPod()).isEqualTo(pro.baseUrl());

        RatedUsage rated = m.rated();
        BigDecimal missPerMillion = cacheMissPrice(rated);
        assertThat(rated.amount())
                .isPositive()
                .isEqualByComparingTo(BigDecimal.valueOf(prompt)
                        .multiply(missPerMillion)
                        .divide(BigDecimal.valueOf(1_000_000), 16, RoundingMode.HALF_EVEN));
        assertThat(settledAmount(m.event().requestId()))
                .as("the budget hold settles to the rated amount")
                .isEqualByComparingTo(rated.amount());
    }

    /** The input cache-miss price per million tokens of the version and window the ledger rated with. */
    private BigDecimal cacheMissPrice(RatedUsage rated) throws SQLException {
        assertThat(rated.priceVersionId()).isNotNull();
        String column = rated.window() == PriceWindow.PEAK ? "peak_cache_miss_per_mtok" : "cache_miss_per_mtok";
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT " + column + " FROM price_book_version WHERE id = ?")) {
            ps.setLong(1, rated.priceVersionId());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBigDecimal(1);
            }
        }
    }

    private BigDecimal settledAmount(String requestId) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT actual FROM quota_settlement WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a settlement of %s", requestId).isTrue();
                BigDecimal actual = rs.getBigDecimal(1);
                assertThat(rs.next()).as("one settlement").isFalse();
                return actual;
            }
        }
    }
}
