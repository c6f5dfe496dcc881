package io.ascendant.billing.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.pricebook.Fixtures;
import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceWindow;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Hand-computed ratings with the seeded V4-Pro USD prices. */
class RaterTest {

    private final PriceBook book = Fixtures.book();

    private Rating rate(String at, long hit, long miss, long out) {
        return Rater.rate(book, null, "deepseek-v4-pro", "USD", Instant.parse(at), hit, miss, out);
    }

    @Test
    void beforeTheAugustChangeOneStandardRateApplies() {
        // 1M x 0.003625 + 2M x 0.435 + 0.5M x 0.87 = 0.003625 + 0.87 + 0.435
        Rating r = rate("2026-08-14T10:00:00Z", 1_000_000, 2_000_000, 500_000);
        assertThat(r.priceVersionId()).isEqualTo(6L);
        assertThat(r.window()).isEqualTo(PriceWindow.STANDARD);
        assertThat(r.amount()).isEqualByComparingTo("1.308625");
    }

    @Test
    void weekdayMorningInBeijingIsPeak() {
        // Mon 2026-08-17 10:00 Beijing. 0.3M x 0.044 + 0.1M x 1.32 + 0.25M x 3.96 = 0.0132 + 0.132 + 0.99
        Rating r = rate("2026-08-17T02:00:00Z", 300_000, 100_000, 250_000);
        assertThat(r.priceVersionId()).isEqualTo(7L);
        assertThat(r.window()).isEqualTo(PriceWindow.PEAK);
        assertThat(r.amount()).isEqualByComparingTo("1.1352");
    }

    @Test
    void lunchBreakIsOffPeakAtHalfThePrice() {
        // Mon 13:00 Beijing. 0.3M x 0.022 + 0.1M x 0.66 + 0.25M x 1.98 = 0.0066 + 0.066 + 0.495
        Rating r = rate("2026-08-17T05:00:00Z", 300_000, 100_000, 250_000);
        assertThat(r.window()).isEqualTo(PriceWindow.OFF_PEAK);
        assertThat(r.amount()).isEqualByComparingTo("0.5676");
    }

    @Test
    void saturdayIsOffPeak() {
        Rating r = rate("2026-08-22T02:00:00Z", 0, 0, 1_000_000);
        assertThat(r.window()).isEqualTo(PriceWindow.OFF_PEAK);
        assertThat(r.amount()).isEqualByComparingTo("1.98");
    }

    @Test
    void theChangeInstantBelongsToTheNewVersion() {
        assertThat(rate("2026-08-16T15:59:59.999Z", 0, 0, 1).priceVersionId()).isEqualTo(6L);
        Rating first = rate("2026-08-16T16:00:00Z", 0, 0, 1_000_000);
        assertThat(first.priceVersionId()).isEqualTo(7L);
        assertThat(first.window()).isEqualTo(PriceWindow.OFF_PEAK); // Monday 00:00 Beijing
    }

    @Test
    void noVersionMeansUnpricedAndZero() {
        Rating r = Rater.rate(book, null, "unknown-model", "USD", Instant.parse("2026-09-01T00:00:00Z"), 1, 1, 1);
        assertThat(r).isEqualTo(Rating.UNPRICED);
    }

    @Test
    void perRequestAmountsAreNeverRounded() {
        Rating r = rate("2026-08-14T10:00:00Z", 1, 0, 0);
        assertThat(r.amount()).isEqualByComparingTo("0.000000003625");
    }
}
