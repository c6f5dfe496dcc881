package io.ascendant.gateway.quota.ratelimit;

import java.util.Objects;

/**
 * A per-minute rate limit that applies to a request.
 *
 * @param key stable identity, e.g. {@code rpm:key:<uuid>:*} (also the key of {@code quota_rate})
 * @param kind what one cell is
 * @param perMinute the limit, > 0
 * @param shadow true when the limit is on trial: a would-be refusal is only logged
 * @param label human name used in errors, e.g. {@code requests per minute (key)}
 */
public record RateSpec(String key, Kind kind, long perMinute, boolean shadow, String label) {

    public RateSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(label, "label");
        if (perMinute <= 0) {
            throw new IllegalArgumentException("rate limit " + key + " must be > 0 per minute");
        }
    }

    /** What a rate limit counts. */
    public enum Kind {
        /** One cell per request. */
        REQUESTS,
        /** One cell per token: prompt plus reserved output, corrected to the actual output at the end. */
        TOKENS
    }
}
