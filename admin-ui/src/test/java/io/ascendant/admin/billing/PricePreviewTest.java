package io.ascendant.admin.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.pricebook.PeakSchedule;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.Rates;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PricePreviewTest {

    private static final Rates LIST =
            new Rates(new BigDecimal("0.028"), new BigDecimal("0.28"), new BigDecimal("0.42"));

    @Test
    void chargesEachTokenClassExactlyPerMillion() {
        PriceVersion v = new PriceVersion(
                7, "deepseek-v4-flash", "USD", null, Instant.parse("2026-01-01T00:00:00Z"), LIST, null, null, null);
        PricePreview p = PricePreview.of(v, new PricePreview.Sample(3L, 7L, 11L));
        assertThat(p.windows()).singleElement().satisfies(w -> {
            assertThat(w.window()).isEqualTo(PriceWindow.STANDARD);
            // 3 × 0.028 / 10^6 = 0.000000084 (0.1 + 0.2 style binary rounding would not give this exactly)
            assertThat(w.cacheHit()).isEqualTo("0.000000084");
            assertThat(w.cacheMiss()).isEqualTo("0.00000196");
            assertThat(w.output()).isEqualTo("0.00000462");
            assertThat(w.total()).isEqualTo("0.000006664");
            assertThat(w.totalRounded()).isEqualTo("0.00");
        });
    }

    @Test
    void showsOffPeakAndPeakForAVersionWithPeakWindows() {
        Rates peak = new Rates(new BigDecimal("0.056"), new BigDecimal("0.56"), new BigDecimal("0.84"));
        PriceVersion v = new PriceVersion(
                8,
                "deepseek-v4-pro",
                "CNY",
                null,
                Instant.parse("2026-01-01T00:00:00Z"),
                LIST,
                PeakSchedule.parse(ZoneId.of("Asia/Shanghai"), "09:00-12:00", false),
                peak,
                null);
        PricePreview p = PricePreview.of(v, new PricePreview.Sample(0L, 1_000_000L, 2_000_000L));
        assertThat(p.windows())
                .extracting(PricePreview.WindowCost::window)
                .containsExactly(PriceWindow.OFF_PEAK, PriceWindow.PEAK);
        assertThat(p.windows().get(0).total()).isEqualTo("1.12");
        assertThat(p.windows().get(1).total()).isEqualTo("2.24");
        assertThat(p.windows().get(1).totalRounded()).isEqualTo("2.24");
        assertThat(p.currency()).isEqualTo("CNY");
    }
}
