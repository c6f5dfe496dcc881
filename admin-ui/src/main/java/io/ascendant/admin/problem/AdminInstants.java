package io.ascendant.admin.problem;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The range of instants and dates the admin API accepts: from {@code 1970-01-01T00:00:00Z} to
 * {@code 9999-12-31T23:59:59.999999Z} (dates: 1970-01-01 to 9999-12-31), in every body field ({@code effectiveFrom},
 * {@code expiresAt}, {@code oldKeyValidUntil}, read by {@link StrictAdminBodies}) and query parameter ({@code since},
 * {@code until}, usage {@code from}/{@code to}) that takes one.
 *
 * <p>Why these bounds: Java reads instants up to the year 1,000,000,000, but PostgreSQL's {@code timestamptz} ends in
 * the year 294276 and the code around it computes in epoch milliseconds, which overflow a {@code long} earlier still;
 * a far-future value used to reach them and fail as a 500. Four-digit years are what ISO-8601 writes without a sign,
 * and no price, key expiry or report of this gateway predates 1970 (the Unix epoch, which every client library
 * handles). Refusing at the edge with the field's name is a 400 the caller can act on.
 */
public final class AdminInstants {

    /** The earliest instant accepted. */
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

    /** The first instant refused after the range: the start of the year 10000. */
    public static final Instant AFTER_LATEST =
            LocalDate.of(10_000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

    /** The range in words, for problem details. */
    public static final String RANGE = "between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z";

    /** The date range in words, for problem details. */
    public static final String DATE_RANGE = "between 1970-01-01 and 9999-12-31";

    private AdminInstants() {}

    /** Whether {@code t} is within the accepted range. */
    public static boolean accepts(Instant t) {
        return !t.isBefore(EARLIEST) && asStored(t).isBefore(AFTER_LATEST);
    }

    /**
     * {@code t} as PostgreSQL stores it: rounded to the microsecond (half up), so that
     * {@code 9999-12-31T23:59:59.9999999Z} counts as the year 10000 it would be read back as.
     */
    private static Instant asStored(Instant t) {
        return t.isBefore(AFTER_LATEST) ? t.plusNanos(500).truncatedTo(ChronoUnit.MICROS) : t;
    }

    /** Whether {@code d} is within the accepted date range. */
    public static boolean accepts(LocalDate d) {
        return d.getYear() >= 1970 && d.getYear() <= 9999;
    }

    /**
     * The year of a {@code java.time} value the range applies to, or null when {@code value} is not one (a zone, a
     * duration, a UUID): the range check of {@link StrictAdminBodies} then does not apply.
     */
    static Integer yearOutsideRange(Object value) {
        int year;
        if (value instanceof Instant t) {
            if (accepts(t)) {
                return null;
            }
            year = year(t);
        } else if (value instanceof OffsetDateTime t) {
            return yearOutsideRange(t.toInstant());
        } else if (value instanceof ZonedDateTime t) {
            return yearOutsideRange(t.toInstant());
        } else if (value instanceof LocalDateTime t) {
            year = t.getYear();
        } else if (value instanceof LocalDate d) {
            year = d.getYear();
        } else {
            return null;
        }
        return year >= 1970 && year <= 9999 ? null : year;
    }

    /** What a body field of {@code type} takes, said to a client whose value lies in {@code year}, out of the range. */
    static String outOfRange(Class<?> type, int year) {
        String what = type == LocalDate.class ? "a date " + DATE_RANGE : "an instant " + RANGE;
        return "expected " + what + ", got one in the year " + year;
    }

    /**
     * {@code value} when it is null or within the range, else a 400 naming {@code field}: for a query parameter such
     * as {@code since}.
     */
    public static Instant require(String field, Instant value) {
        if (value != null && !accepts(value)) {
            throw ProblemException.invalid(
                    field, field + " must be an ISO-8601 instant " + RANGE + ", got one in the year " + year(value));
        }
        return value;
    }

    /** The UTC year of {@code t}; Java's date-times end a little before {@link Instant#MAX}. */
    private static int year(Instant t) {
        try {
            return asStored(t).atOffset(ZoneOffset.UTC).getYear();
        } catch (DateTimeException e) {
            return t.isBefore(EARLIEST) ? Year.MIN_VALUE : Year.MAX_VALUE;
        }
    }
}
