package io.ascendant.gateway.quota.budget;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One budget period: the half-open instant range {@code [start, end)} of a local calendar day or month in a time
 * zone.
 *
 * <p>Boundaries are local midnights converted with {@link LocalDate#atStartOfDay(ZoneId)}, so a period that contains
 * a daylight-saving change is 23 or 25 hours (or a month one hour shorter or longer), and a zone whose midnight does
 * not exist on a transition day starts the period at the first valid instant of that day. A request's holds belong
 * to the period of its admission instant; settling them later never touches another period.
 *
 * @param start first instant of the period (inclusive)
 * @param end first instant of the next period (exclusive); {@link Instant#MAX} for {@link PeriodKind#NONE}
 */
public record BudgetPeriod(Instant start, Instant end) {

    /** The single period of pools that never reset. */
    public static final BudgetPeriod FOREVER = new BudgetPeriod(Instant.EPOCH, Instant.parse("9999-12-31T00:00:00Z"));

    public BudgetPeriod {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("period end " + end + " is not after start " + start);
        }
    }

    /**
     * The period of {@code kind} in {@code zone} that contains {@code at}.
     *
     * @throws NullPointerException when an argument is null
     */
    public static BudgetPeriod containing(PeriodKind kind, ZoneId zone, Instant at) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(at, "at");
        LocalDate day = at.atZone(zone).toLocalDate();
        return switch (kind) {
            case DAY ->
                new BudgetPeriod(
                        day.atStartOfDay(zone).toInstant(),
                        day.plusDays(1).atStartOfDay(zone).toInstant());
            case MONTH -> {
                LocalDate first = day.withDayOfMonth(1);
                yield new BudgetPeriod(
                        first.atStartOfDay(zone).toInstant(),
                        first.plusMonths(1).atStartOfDay(zone).toInstant());
            }
            case NONE -> FOREVER;
        };
    }

    /** Whether {@code at} lies in this period. */
    public boolean contains(Instant at) {
        return !at.isBefore(start) && at.isBefore(end);
    }
}
