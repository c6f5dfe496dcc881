package io.ascendant.tenancy.apikey;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The key text presented by a tenant request. Its {@code toString} never shows the key. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;
    private final boolean billingRead;

    /** A request to any tenant endpoint other than the billing read API. */
    public ApiKeyAuthenticationRequest(String key) {
        this(key, false);
    }

    /**
     * @param billingRead the request is to the tenant billing read API
     *     ({@link ApiKeyAuthenticationMechanism#isBillingReadPath}), which a closed tenant's keys with
     *     {@code billing:read} may still call
     */
    public ApiKeyAuthenticationRequest(String key, boolean billingRead) {
        this.key = key;
        this.billingRead = billingRead;
    }

    /** The presented key text. */
    public String key() {
        return key;
    }

    /** Whether the request is to the tenant billing read API. */
    public boolean billingRead() {
        return billingRead;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[<redacted>]";
    }
}
