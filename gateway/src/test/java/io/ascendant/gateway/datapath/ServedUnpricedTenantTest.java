package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.TenantChats;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway.metering.serve-unpriced-tenants}: a listed tenant (an internal one, never invoiced) is served a model
 * that has no price in force in its currency, and the usage is recorded {@code UNPRICED} at 0, while any other tenant
 * in that currency is refused it (403 {@code model_not_priced}, {@link UnpricedModelRefusalTest}). The test run lists
 * one tenant id (the {@code %test} settings of {@code application.properties}); this test creates that tenant.
 */
@QuarkusTest
class ServedUnpricedTenantTest {
    private static final String MODEL = "deepseek-v4-flash";

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    @Inject
    DataPathConfig config;

    @Inject
    DataSource ds;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    @Test
    void aListedTenantIsServedAModelWithoutAPriceAndItsUsageIsRecordedUnpriced() throws Exception {
        // EUR has no list prices and neither tenant has a price of its own: Flash is unpriced for both.
        Set<String> listed = config.metering().serveUnpricedTenants().orElse(Set.of());
        assertThat(listed).as("the test run lists one internal tenant").hasSize(1);
        TestKeys.Key internal = keys.create(UUID.fromString(listed.iterator().next()), Set.of(), "EUR");
        TestKeys.Key other = keys.create(Set.of(), "EUR");
        int hostCalls = FakeHostsResource.flashRequests();

        chat(other, "unlisted-" + UUID.randomUUID())
                .then()
                .statusCode(403)
                .body("error.code", equalTo("model_not_priced"));
        assertThat(FakeHostsResource.flashRequests())
                .as("the unlisted tenant reached no host")
                .isEqualTo(hostCalls);

        String served = "internal-" + UUID.randomUUID();
        chat(internal, served)
                .then()
                .statusCode(200)
                .body("choices[0].message.content", equalTo("Hello from the fake host"));
        assertThat(FakeHostsResource.flashRequests()).isEqualTo(hostCalls + 1);
        metered.single(served);
        Map<String, Object> row = DatabaseRows.single(
                ds,
                "SELECT tenant_id, currency, price_version_id, price_window, amount, output_tokens FROM usage_ledger"
                        + " WHERE client_request_id = ?",
                served);
        assertThat(row.get("tenant_id")).isEqualTo(internal.tenantId());
        assertThat(((String) row.get("currency")).trim()).isEqualTo("EUR");
        assertThat(row.get("price_window")).isEqualTo(PriceWindow.UNPRICED.name());
        assertThat((BigDecimal) row.get("amount")).isZero();
        assertThat(row.get("price_version_id")).isNull();
        assertThat((Long) row.get("output_tokens"))
                .as("the usage itself is recorded")
                .isPositive();
    }

    private static Response chat(TestKeys.Key key, String requestId) {
        return TenantChats.post(key.text(), requestId, MODEL, 16);
    }
}
