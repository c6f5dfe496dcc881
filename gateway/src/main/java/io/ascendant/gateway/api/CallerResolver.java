package io.ascendant.gateway.api;

import io.ascendant.tenancy.apikey.ApiKeyCaller;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Reads the tenant behind a request from the {@link SecurityIdentity} that the tenancy module's API-key
 * authentication mechanism produced (contract 1: principal {@link ApiKeyCaller}, role {@code tenant-api}).
 */
public final class CallerResolver {
    /** The role every tenant API key carries. */
    public static final String TENANT_ROLE = "tenant-api";

    private CallerResolver() {}

    /** The caller, or null when the identity is anonymous, lacks the role or is not an API-key identity. */
    public static TenantCaller resolve(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !identity.hasRole(TENANT_ROLE)) {
            return null;
        }
        if (identity.getPrincipal() instanceof ApiKeyCaller c) {
            return new TenantCaller(c.tenantId(), c.projectId(), c.keyId(), c.publicId(), c.allowedModels());
        }
        return null;
    }
}
