package io.ascendant.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.pricebook.Fixtures;
import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A catalogue route whose price tier differs from its public name (route {@code deepseek-v4-window} priced as {@code
 * deepseek-v4-pro}) is rated at the tier's prices and keeps its public name; the ledger used to rate by the public
 * name, found no price and recorded such usage UNPRICED.
 */
class RatingByPriceTierTest {

    private static final UUID TENANT = UUID.fromString("00000000-0000-7000-8000-00000000a001");
    /** Saturday 2026-11-28 03:00 UTC = 11:00 Beijing: outside Pro's weekday peak, so the off-peak (base) rates. */
    private static final Instant STARTED = Instant.parse("2026-11-28T03:00:00Z");

    private static final LedgerSql.AccountTerms USD_UTC = new LedgerSql.AccountTerms("USD", ZoneOffset.UTC, "UTC");

    private final PriceBook book = Fixtures.book();
    private final BatchTransaction batch =
            new BatchTransaction(() -> book, List::of, "USD", new BatchTransaction.Timings());

    private static UsageEvent event(String model, String priceTier) {
        return new UsageEvent(
                "req-tier",
                TENANT,
                UUID.fromString("00000000-0000-7000-8000-00000000b001"),
                UUID.fromString("00000000-0000-7000-8000-00000000c001"),
                model,
                priceTier,
                "http://127.0.0.1:8090",
                1_000,
                2_000,
                3_000,
                500,
                UsageStatus.COMPLETED,
                false,
                STARTED,
                STARTED.plusSeconds(2));
    }

    @Test
    void ratesARouteAtItsPriceTierAndKeepsThePublicName() {
        LedgerSql.Row row = batch.rate(book, USD_UTC, event("deepseek-v4-window", "deepseek-v4-pro"));

        // Pro since 2026-08-16, off-peak: 0.022 hit, 0.66 miss, 1.98 output per 1M tokens.
        // (1000 x 0.022 + 2000 x 0.66 + 3000 x 1.98) / 10^6 = (22 + 1320 + 5940) / 10^6
        assertThat(row.rating().amount()).isEqualByComparingTo(new BigDecimal("0.007282"));
        assertThat(row.rating().priceVersionId()).isEqualTo(Fixtures.PRO_C.id());
        assertThat(row.rating().window()).isEqualTo(PriceWindow.OFF_PEAK);
        assertThat(row.event().model())
                .as("the usage row keeps the requested name")
                .isEqualTo("deepseek-v4-window");
        assertThat(row.event().priceTier()).isEqualTo("deepseek-v4-pro");
    }

    @Test
    void aRouteWithoutATierIsRatedByItsOwnName() {
        assertThat(event("deepseek-v4-window", null).priceTier()).isEqualTo("deepseek-v4-window");
        LedgerSql.Row unpriced = batch.rate(book, USD_UTC, event("deepseek-v4-window", null));
        assertThat(unpriced.rating().window()).isEqualTo(PriceWindow.UNPRICED);
        assertThat(unpriced.rating().amount()).isZero();

        LedgerSql.Row pro = batch.rate(book, USD_UTC, event("deepseek-v4-pro", null));
        assertThat(pro.rating().amount()).isEqualByComparingTo(new BigDecimal("0.007282"));
    }

    @Test
    void theShortConstructorPricesUnderTheModelName() {
        UsageEvent e = new UsageEvent(
                "req-short",
                TENANT,
                UUID.randomUUID(),
                UUID.randomUUID(),
                "deepseek-v4-pro",
                null,
                0,
                0,
                0,
                0,
                UsageStatus.FAILED,
                false,
                STARTED,
                STARTED);
        assertThat(e.priceTier()).isEqualTo("deepseek-v4-pro");
        assertThat(e.hostPod()).isNull();
    }
}
