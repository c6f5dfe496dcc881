package io.ascendant.gateway.api;

import io.ascendant.gateway.error.GatewayException;
import io.ascendant.tenancy.apikey.ApiKeyCaller;
import io.ascendant.tenancy.apikey.ApiKeyScope;
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
            return new TenantCaller(
                    c.tenantId(), c.projectId(), c.keyId(), c.publicId(), c.allowedModels(), c.currency(), c.scopes());
        }
        return null;
    }

    /**
     * The caller of an endpoint that needs {@code scope}. Every tenant route handler resolves its caller here, so the
     * check holds on both ways a request reaches it: through Quarkus' security chain and through
     * {@link CachedKeyFastPath}, which hands a request with a cached valid key straight to the handler.
     *
     * @param endpoint the path called, for the message (e.g. {@code /v1/chat/completions})
     * @throws GatewayException.Unauthenticated (401) when there is no API-key caller
     * @throws GatewayException.PermissionDenied (403, code {@code insufficient_scope}) when the key lacks
     *     {@code scope}
     */
    public static TenantCaller resolve(SecurityIdentity identity, ApiKeyScope scope, String endpoint) {
        TenantCaller caller = resolve(identity);
        if (caller == null) {
            throw new GatewayException.Unauthenticated();
        }
        if (!caller.scopes().contains(scope)) {
            throw new GatewayException.PermissionDenied(scope.missingFrom(endpoint), "insufficient_scope");
        }
        return caller;
    }
}
