package io.ascendant.billing.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.Rates;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A price change while a request runs: the request is rated with the version in force when it started. */
class RaterPriceChangeTest {

    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");
    private static final Instant CHANGE = Instant.parse("2026-11-30T12:00:00Z");
    private static final PriceVersion CHEAP = version(1, T0, "1");
    private static final PriceVersion DEAR = version(2, CHANGE, "100");
    private static final PriceBook BOOK = new PriceBook(List.of(CHEAP, DEAR));

    @Test
    void ratesARequestRunningAcrossAPriceChangeWithTheVersionInForceAtItsStart() {
        Rating r = Rater.rate(
                BOOK, UUID.randomUUID(), "m", "USD", CHANGE.minusSeconds(5), CHANGE.plusSeconds(5), 0, 1_000, 1_000);

        assertThat(r.priceVersionId()).isEqualTo(1L);
        // 2,000 tokens at 1 USD per 1M, not at 100.
        assertThat(r.amount()).isEqualByComparingTo("0.002");
    }

    @Test
    void ratesARequestStartedAfterTheChangeWithTheNewVersion() {
        Rating r = Rater.rate(BOOK, UUID.randomUUID(), "m", "USD", CHANGE, CHANGE.plusSeconds(5), 0, 1_000, 1_000);

        assertThat(r.priceVersionId()).isEqualTo(2L);
        assertThat(r.amount()).isEqualByComparingTo("0.2");
    }

    @Test
    void isUnpricedWhenNoVersionWasInForceAtTheStart() {
        Rating r =
                Rater.rate(BOOK, UUID.randomUUID(), "m", "USD", T0.minusSeconds(1), T0.plusSeconds(1), 0, 1_000, 1_000);

        assertThat(r).isEqualTo(Rating.UNPRICED);
    }

    private static PriceVersion version(long id, Instant from, String perMillion) {
        BigDecimal p = new BigDecimal(perMillion);
        return new PriceVersion(id, "m", "USD", null, from, new Rates(p, p, p), null, null, "test");
    }
}
