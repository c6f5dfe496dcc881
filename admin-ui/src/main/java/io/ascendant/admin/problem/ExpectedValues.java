package io.ascendant.admin.problem;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.List;
import java.util.UUID;

/**
 * What a JSON value for a Java type must look like, in words a client can act on ({@code an ISO-8601 instant such as
 * 2027-01-01T00:00:00Z}); used after "expected" in problem details. Never names a Java class.
 */
final class ExpectedValues {

    private ExpectedValues() {}

    /** What an integer field takes, said to a client that quoted one ({@code "budgetTokens": "100"}). */
    static final String WHOLE_NUMBER_NOT_STRING = "a whole number written as a JSON integer (100, not \"100\")";

    /** What a decimal field (money, percentages) takes: a JSON number or the same number as a decimal string. */
    static final String DECIMAL = "a decimal number, as a JSON number or a decimal string such as \"12.50\"";

    /** The phrase for {@code type}, e.g. {@code a whole number}, {@code one of [DAY, MONTH]}, {@code a JSON object}. */
    static String describe(Class<?> type) {
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                names.add(c.toString());
            }
            return "one of " + names;
        }
        if (isWholeNumber(type)) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == BigDecimal.class) {
            return DECIMAL;
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != char.class) {
            return "a number";
        }
        if (type == String.class || type == char.class || type == Character.class) {
            return "a string";
        }
        String text = textual(type);
        if (text != null) {
            return text;
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a JSON object";
    }

    /**
     * The phrase for a type whose JSON form is a string with a syntax of its own ({@link Instant}, {@link UUID},
     * {@link ZoneId}, ...), or null when {@code type} is not one of them.
     */
    static String textual(Class<?> type) {
        if (type == Instant.class) {
            return "an ISO-8601 instant such as 2027-01-01T00:00:00Z";
        }
        if (type == OffsetDateTime.class || type == ZonedDateTime.class) {
            return "an ISO-8601 date-time with an offset such as 2027-01-01T09:00:00+01:00";
        }
        if (type == LocalDateTime.class) {
            return "an ISO-8601 date-time such as 2027-01-01T09:00:00";
        }
        if (type == LocalDate.class) {
            return "an ISO-8601 date such as 2027-01-31";
        }
        if (type == LocalTime.class) {
            return "a time of day such as 09:30";
        }
        if (type == YearMonth.class) {
            return "a month such as 2027-01";
        }
        if (type == Duration.class) {
            return "an ISO-8601 duration such as PT15M";
        }
        if (ZoneId.class.isAssignableFrom(type)) {
            return "an IANA time zone such as Europe/Paris";
        }
        if (type == Currency.class) {
            return "an ISO 4217 currency code such as USD";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == URI.class) {
            return "a URI";
        }
        return null;
    }

    /** Whether {@code type} is a date or date-time, whose JSON form is an ISO-8601 string. */
    static boolean isDateTime(Class<?> type) {
        return type == Instant.class
                || type == OffsetDateTime.class
                || type == ZonedDateTime.class
                || type == LocalDateTime.class
                || type == LocalDate.class;
    }

    /** Whether {@code type} holds whole numbers only (JSON integers). */
    static boolean isWholeNumber(Class<?> type) {
        return type == int.class
                || type == Integer.class
                || type == long.class
                || type == Long.class
                || type == short.class
                || type == Short.class
                || type == byte.class
                || type == Byte.class
                || type == BigInteger.class;
    }

    /** Smallest value of a bounded whole-number type; {@link Long#MIN_VALUE} for others. */
    static long minOf(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return Integer.MIN_VALUE;
        }
        if (type == short.class || type == Short.class) {
            return Short.MIN_VALUE;
        }
        if (type == byte.class || type == Byte.class) {
            return Byte.MIN_VALUE;
        }
        return Long.MIN_VALUE;
    }

    /** Largest value of a bounded whole-number type; {@link Long#MAX_VALUE} for others. */
    static long maxOf(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return Integer.MAX_VALUE;
        }
        if (type == short.class || type == Short.class) {
            return Short.MAX_VALUE;
        }
        if (type == byte.class || type == Byte.class) {
            return Byte.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    /** {@code an integer between MIN and MAX}. */
    static String integerBetween(long min, long max) {
        return "an integer between " + min + " and " + max;
    }
}
