package io.ascendant.tenancy.common;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.regex.Pattern;

/** Checks shared by the tenancy services; each failure names the field and the rule. */
public final class Validation {

    /** Tenant slug = Keycloak organization alias: lower-case letters, digits, dashes, 2-63 characters. */
    public static final String SLUG_REGEX = "^[a-z0-9][a-z0-9-]{1,62}$";

    /** Model ids in allow-lists and per-model limits. */
    public static final String MODEL_REGEX = "^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$";

    /**
     * Names and other one-line free text: no Unicode control characters (category Cc: U+0000-U+001F, U+007F-U+009F) and
     * no invisible format characters (category Cf: bidi overrides and isolates such as U+202E, which make a name read
     * differently from what it is, zero-width spaces, U+FEFF, tag characters), except the zero-width non-joiner and
     * joiner (U+200C, U+200D) that Persian and Indic scripts and emoji sequences need. PostgreSQL refuses U+0000 in
     * text (SQLSTATE 22021), so a field without this check would fail as a 500 after validation. The one check for
     * tenant display names, project and API key names, plan names and the catalogue's and price book's text fields.
     */
    public static final String NO_CONTROL_REGEX = "^[\\P{Cc}&&[\\P{Cf}\\u200C\\u200D]]*$";

    /** Multi-line free text (descriptions, reasons): line breaks and tabs allowed, U+0000 not (PostgreSQL 22021). */
    public static final String NO_NUL_REGEX = "^[^\\x00]*$";

    /** Message of {@link #NO_CONTROL_REGEX}. */
    public static final String NO_CONTROL_MESSAGE =
            "must not contain control characters or invisible format characters (such as U+202E)";

    /** Message of {@code @Size(max = 100)} on names (keys, projects): the limit without a misleading minimum of 0. */
    public static final String NAME_LENGTH_MESSAGE = "must have at most {max} characters";

    /** Message of {@link #NO_NUL_REGEX}. */
    public static final String NO_NUL_MESSAGE = "must not contain the NUL character (U+0000)";

    private static final Pattern MODEL = Pattern.compile(MODEL_REGEX);

    /** A fixed offset written with a prefix, as {@link ZoneId#of} keeps it: {@code GMT+03:00}, {@code UT-05:00}. */
    private static final Pattern PREFIXED_OFFSET = Pattern.compile("^(GMT|UTC|UT)[+-].*$");

    private Validation() {}

    /** An ISO 4217 currency code in upper case. */
    public static String currency(String field, String code) {
        if (code == null || !code.matches("^[A-Z]{3}$")) {
            throw new TenancyException.Invalid(field, field + " must be an ISO 4217 code such as USD");
        }
        try {
            Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new TenancyException.Invalid(field, field + " '" + code + "' is not an ISO 4217 currency");
        }
        return code;
    }

    /**
     * A time zone, returned in the form it is stored and shown in: an IANA region id as given ({@code Europe/Paris},
     * {@code UTC}, {@code Etc/GMT-3}); a fixed offset as {@code ±hh:mm}, also when written with a prefix ({@code GMT+3},
     * {@code UTC+03:00} and {@code UT+3} become {@code +03:00}, as {@link ZoneId#normalized()} has it); a zero offset
     * ({@code Z}, {@code +00:00}) as {@code UTC} ({@code GMT+0} is {@code GMT}, an IANA id). Browsers' {@code Intl} accepts exactly these forms
     * (it rejects {@code GMT+03:00} and {@code Z}), so the console can show times in any stored zone. Offsets with
     * seconds are refused for the same reason.
     */
    public static String timeZone(String field, String zone) {
        if (zone == null || zone.isBlank()) {
            throw new TenancyException.Invalid(field, field + " is required (an IANA zone such as Europe/Paris)");
        }
        ZoneId id;
        try {
            id = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new TenancyException.Invalid(
                    field,
                    field
                            + " is not a known time zone (use an IANA id such as Europe/Paris, or a fixed offset such as +01:00)");
        }
        boolean prefixedOffset = PREFIXED_OFFSET.matcher(id.getId()).matches();
        if (!(id instanceof ZoneOffset) && !prefixedOffset) {
            return id.getId();
        }
        ZoneOffset offset = (ZoneOffset) id.normalized();
        if (offset.getTotalSeconds() % 60 != 0) {
            throw new TenancyException.Invalid(
                    field, field + " must be an offset in whole minutes such as +05:30 (no seconds)");
        }
        return offset.getTotalSeconds() == 0 ? "UTC" : offset.getId();
    }

    /** A model id (or {@code *} where allowed). */
    public static String model(String field, String model, boolean allowStar) {
        if (allowStar && "*".equals(model)) {
            return model;
        }
        if (model == null || !MODEL.matcher(model).matches()) {
            throw new TenancyException.Invalid(
                    field, field + " must be a model id (letters, digits, . _ : / -; at most 100)");
        }
        return model;
    }
}
