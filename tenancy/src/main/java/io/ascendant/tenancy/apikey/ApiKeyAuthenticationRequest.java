package io.ascendant.tenancy.apikey;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The key text presented by a tenant request. Its {@code toString} never shows the key. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    /** The presented key text. */
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[<redacted>]";
    }
}
