package io.ascendant.billing.pricebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PriceBookTest {

    @Test
    void picksTheLatestVersionStartedByTheFinishTime() {
        PriceBook b = Fixtures.book();
        assertThat(b.find(null, "deepseek-v4-pro", "USD", Instant.parse("2026-08-16T15:59:59.999Z")))
                .contains(Fixtures.PRO_B);
        assertThat(b.find(null, "deepseek-v4-pro", "USD", Instant.parse("2026-08-16T16:00:00Z")))
                .contains(Fixtures.PRO_C);
        assertThat(b.find(null, "deepseek-v4-pro", "USD", Instant.parse("2026-04-26T12:14:59Z")))
                .isEmpty();
    }

    @Test
    void unknownModelOrCurrencyHasNoPrice() {
        PriceBook b = Fixtures.book();
        assertThat(b.find(null, "gpt-oss", "USD", Instant.parse("2026-09-01T00:00:00Z")))
                .isEmpty();
        assertThat(b.find(null, "deepseek-v4-pro", "EUR", Instant.parse("2026-09-01T00:00:00Z")))
                .isEmpty();
    }

    @Test
    void tenantOverrideWinsOnceStartedAndOnlyForThatTenant() {
        UUID acme = UUID.randomUUID();
        PriceVersion override = new PriceVersion(
                99,
                "deepseek-v4-pro",
                "USD",
                acme,
                Instant.parse("2026-09-01T00:00:00Z"),
                Fixtures.rates("0.01", "0.5", "1.5"),
                null,
                null,
                "contract");
        PriceBook b = Fixtures.book(override);
        assertThat(b.find(acme, "deepseek-v4-pro", "USD", Instant.parse("2026-08-31T23:59:59Z")))
                .contains(Fixtures.PRO_C);
        assertThat(b.find(acme, "deepseek-v4-pro", "USD", Instant.parse("2026-09-01T00:00:00Z")))
                .contains(override);
        assertThat(b.find(UUID.randomUUID(), "deepseek-v4-pro", "USD", Instant.parse("2026-09-02T00:00:00Z")))
                .contains(Fixtures.PRO_C);
    }
}
