package io.ascendant.tenancy.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One page of a keyset-paginated list, in ascending id (= creation) order.
 *
 * @param items the rows of this page
 * @param nextCursor opaque cursor for the next page, or {@code null} when this is the last page
 */
public record Page<T>(List<T> items, String nextCursor) {

    /** Largest page size a client may ask for. */
    public static final int MAX_LIMIT = 500;

    /** {@link #LIMIT_RANGE} without the parameter's name, for Bean Validation (the admin API prefixes the name). */
    public static final String LIMIT_RANGE_MESSAGE = "must be a whole number from 1 to " + MAX_LIMIT;

    /**
     * The refusal of a page size outside 1..{@value #MAX_LIMIT}, the same for a small one and for one past an int's
     * range (which the admin API refuses before it reaches {@link #limit}, from the parameter's {@code @Min}/{@code
     * @Max}).
     */
    public static final String LIMIT_RANGE = "limit " + LIMIT_RANGE_MESSAGE;

    /**
     * The refusal of a {@code cursor} that no page returned, the same in every paged admin listing: cursors are opaque
     * values, so the caller is told where they come from rather than their form.
     */
    public static String invalidCursor(String cursor) {
        return "cursor must be a nextCursor returned by a previous page of this listing (an opaque value), got "
                + cursor;
    }

    /** Page size when the client does not say. */
    public static final int DEFAULT_LIMIT = 50;

    /**
     * Builds a page from {@code limit + 1} fetched rows: the extra row only signals that there is a next page.
     *
     * @param fetched rows fetched with {@code limit + 1}
     * @param limit the page size
     * @param idOf the keyset id of a row
     */
    public static <T> Page<T> of(List<T> fetched, int limit, java.util.function.Function<T, UUID> idOf) {
        if (fetched.size() <= limit) {
            return new Page<>(List.copyOf(fetched), null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Page<>(items, encode(idOf.apply(items.getLast())));
    }

    /** Encodes a keyset position. */
    public static String encode(UUID lastId) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(lastId.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a cursor.
     *
     * @throws TenancyException.Invalid (field {@code cursor}) when it is not one of ours
     */
    public static Optional<UUID> decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    UUID.fromString(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw new TenancyException.Invalid("cursor", invalidCursor(cursor));
        }
    }

    /**
     * Validates a requested page size.
     *
     * @throws TenancyException.Invalid (field {@code limit}) outside 1..{@value #MAX_LIMIT}
     */
    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw new TenancyException.Invalid("limit", LIMIT_RANGE);
        }
        return requested;
    }
}
