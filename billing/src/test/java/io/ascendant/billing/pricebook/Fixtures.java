package io.ascendant.billing.pricebook;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** The seeded DeepSeek V4-Pro USD versions around the 2026-08-16 change (same numbers as V035). */
public final class Fixtures {
    private Fixtures() {}

    public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    /** 2026-04-26 12:15 UTC: 0.003625 / 0.435 / 0.87, no windows. */
    public static final PriceVersion PRO_B = new PriceVersion(
            6,
            "deepseek-v4-pro",
            "USD",
            null,
            Instant.parse("2026-04-26T12:15:00Z"),
            rates("0.003625", "0.435", "0.87"),
            null,
            null,
            "test");

    /** 2026-08-16 16:00 UTC: off-peak 0.022 / 0.66 / 1.98, peak 0.044 / 1.32 / 3.96, weekdays 09-12, 14-18 Beijing. */
    public static final PriceVersion PRO_C = new PriceVersion(
            7,
            "deepseek-v4-pro",
            "USD",
            null,
            Instant.parse("2026-08-16T16:00:00Z"),
            rates("0.022", "0.66", "1.98"),
            PeakSchedule.parse(SHANGHAI, "09:00-12:00,14:00-18:00", true),
            rates("0.044", "1.32", "3.96"),
            "test");

    public static PriceBook book(PriceVersion... extra) {
        List<PriceVersion> all = new java.util.ArrayList<>(List.of(PRO_B, PRO_C));
        all.addAll(List.of(extra));
        return new PriceBook(all);
    }

    public static Rates rates(String hit, String miss, String out) {
        return new Rates(new BigDecimal(hit), new BigDecimal(miss), new BigDecimal(out));
    }
}
