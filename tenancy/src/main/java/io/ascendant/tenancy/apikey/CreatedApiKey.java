package io.ascendant.tenancy.apikey;

/**
 * Answer of key creation and rotation: the only place the key text ever appears. Store it now; it cannot be shown
 * again.
 *
 * @param key the key's metadata
 * @param secret the full key text ({@code asc_...}), shown exactly once
 */
public record CreatedApiKey(ApiKeyView key, String secret) {
    @Override
    public String toString() {
        return "CreatedApiKey[key=" + key + ", secret=<redacted>]";
    }
}
