package io.ascendant.tenancy.apikey;

import java.security.Principal;
import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;

/**
 * The principal of a request authenticated with an API key (shared contract 1). The tenancy
 * {@code HttpAuthenticationMechanism} puts it into the {@code SecurityIdentity} of tenant paths with role
 * {@value #ROLE}; gateway resources read it from {@code SecurityIdentity.getPrincipal()}.
 *
 * @param tenantId owning tenant
 * @param projectId owning project
 * @param keyId the key row id
 * @param publicId the public key id (safe to log; never the secret)
 * @param allowedModels models this key may use; <b>empty means every model</b> (use {@link #mayUse})
 * @param currency the tenant's ISO 4217 currency
 * @param timeZone the tenant's time zone (budget periods)
 * @param scopes what the key may call (never empty for a stored key; use {@link #has} / {@link #requireScope})
 */
public record ApiKeyCaller(
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String publicId,
        Set<String> allowedModels,
        String currency,
        ZoneId timeZone,
        Set<ApiKeyScope> scopes)
        implements Principal {

    /** The role of every API-key identity. */
    public static final String ROLE = "tenant-api";

    public ApiKeyCaller {
        allowedModels = Set.copyOf(allowedModels);
        scopes = Set.copyOf(scopes);
    }

    /** The public key id. */
    @Override
    public String getName() {
        return publicId;
    }

    /** Whether this key may use {@code model} (exact model id as requested). */
    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || (model != null && allowedModels.contains(model));
    }

    /** Whether this key has {@code scope}. */
    public boolean has(ApiKeyScope scope) {
        return scopes.contains(scope);
    }

    /**
     * Refuses an endpoint whose scope this key lacks.
     *
     * @param endpoint the path called, for the message (e.g. {@code /v1/usage})
     * @throws TenantApiException with {@link TenantApiError#INSUFFICIENT_SCOPE} (403, code {@code insufficient_scope})
     *     and a message naming the scope and the endpoint
     */
    public void requireScope(ApiKeyScope scope, String endpoint) {
        if (!has(scope)) {
            throw new TenantApiException(TenantApiError.INSUFFICIENT_SCOPE, null, scope.missingFrom(endpoint));
        }
    }
}
