package io.ascendant.e2e;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The seeded V4-Flash USD list prices the end-to-end bill is checked against, written out here independently of the
 * billing code ({@code V035__seed_deepseek_list_prices.sql}): the version in force since 2026-09-09 16:00 UTC, per 1M
 * tokens, off-peak and peak (Mon-Fri 09:00-12:00 and 14:00-18:00 Asia/Shanghai).
 */
final class V4FlashListPrices {
    /** When the version starts; every request of the run finishes after it. */
    static final Instant VERSION_FROM = Instant.parse("2026-09-09T16:00:00Z");

    /** Off-peak per 1M tokens: cache hit, cache miss, output. */
    private static final BigDecimal[] OFF_PEAK = {
        new BigDecimal("0.003"), new BigDecimal("0.15"), new BigDecimal("0.60")
    };

    /** Peak per 1M tokens: cache hit, cache miss, output. */
    private static final BigDecimal[] PEAK = {new BigDecimal("0.006"), new BigDecimal("0.30"), new BigDecimal("1.20")};

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private V4FlashListPrices() {}

    /** The window name the ledger records for a request finished at {@code at}: {@code PEAK} or {@code OFF_PEAK}. */
    static String window(Instant at) {
        return isPeak(at) ? "PEAK" : "OFF_PEAK";
    }

    /** Peak per V035: Mon-Fri, [09:00, 12:00) and [14:00, 18:00) in Asia/Shanghai, at the request's finish. */
    private static boolean isPeak(Instant at) {
        ZonedDateTime local = at.atZone(SHANGHAI);
        if (local.getDayOfWeek() == DayOfWeek.SATURDAY || local.getDayOfWeek() == DayOfWeek.SUNDAY) {
            return false;
        }
        LocalTime t = local.toLocalTime();
        return (!t.isBefore(LocalTime.of(9, 0)) && t.isBefore(LocalTime.of(12, 0)))
                || (!t.isBefore(LocalTime.of(14, 0)) && t.isBefore(LocalTime.of(18, 0)));
    }

    /** The price per 1M tokens of a token class ({@code CACHE_HIT}, {@code CACHE_MISS}, {@code OUTPUT}) in a window. */
    static BigDecimal unitPrice(String tokenClass, String window) {
        BigDecimal[] p = window.equals("PEAK") ? PEAK : OFF_PEAK;
        return switch (tokenClass) {
            case "CACHE_HIT" -> p[0];
            case "CACHE_MISS" -> p[1];
            case "OUTPUT" -> p[2];
            default -> throw new AssertionError("token class " + tokenClass);
        };
    }

    /** What one request costs in {@code window}, unrounded. */
    static BigDecimal amount(long hit, long miss, long output, String window) {
        return charge(hit, unitPrice("CACHE_HIT", window))
                .add(charge(miss, unitPrice("CACHE_MISS", window)))
                .add(charge(output, unitPrice("OUTPUT", window)));
    }

    /** {@code tokens} at {@code perMillion}, unrounded. */
    static BigDecimal charge(long tokens, BigDecimal perMillion) {
        return BigDecimal.valueOf(tokens).multiply(perMillion).divide(BigDecimal.valueOf(1_000_000L));
    }
}
