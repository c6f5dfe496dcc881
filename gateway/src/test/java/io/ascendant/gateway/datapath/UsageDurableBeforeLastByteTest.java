package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.ledger.UsageStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code gateway.metering.acknowledge=ledger} (the test profile's setting): a client that has received the whole answer (the closing JSON, or {@code [DONE]}) must find its usage already in
 * the ledger: the gateway holds back the last bytes until the usage row is durable, so a {@code kill -9} of the
 * gateway right after the answer cannot lose what the client was served. The ledger is read at once, without
 * waiting: with usage recorded after the last byte this fails.
 */
@QuarkusTest
class UsageDurableBeforeLastByteTest {

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    UsageLedger ledger;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    @Test
    void nonStreamedAnswerEndsOnlyAfterItsUsageIsInTheLedger() {
        for (int i = 0; i < 20; i++) {
            Response r = DataPathTestSupport.sayHello(key, false);
            assertThat(r.jsonPath().getString("choices[0].message.content")).isNotEmpty();
            assertThat(ledger.find(r.header("x-request-id")))
                    .as("usage row present when the client has the whole answer (request %d)", i)
                    .hasValueSatisfying(u -> assertThat(u.event().status()).isEqualTo(UsageStatus.COMPLETED));
        }
    }

    @Test
    void streamedAnswerSendsDoneOnlyAfterItsUsageIsInTheLedger() {
        for (int i = 0; i < 20; i++) {
            Response r = DataPathTestSupport.sayHello(key, true);
            assertThat(r.asString()).endsWith("data: [DONE]\n\n");
            assertThat(ledger.find(r.header("x-request-id")))
                    .as("usage row present when the client has [DONE] (request %d)", i)
                    .hasValueSatisfying(u -> assertThat(u.event().status()).isEqualTo(UsageStatus.COMPLETED));
        }
    }
}
