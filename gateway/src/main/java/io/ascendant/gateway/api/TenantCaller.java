package io.ascendant.gateway.api;

import io.ascendant.tenancy.apikey.ApiKeyScope;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated tenant key behind a data-path request, as the gateway needs it (taken from the tenancy
 * module's {@code ApiKeyCaller} principal by {@link CallerResolver}).
 *
 * @param tenantId paying tenant
 * @param projectId project of the key
 * @param keyId the key
 * @param publicId the key's public id (safe to log)
 * @param allowedModels public model names the key may use; empty means all
 * @param currency the tenant's ISO 4217 billing currency (the ledger rates its usage in it)
 * @param scopes what the key may call ({@link CallerResolver#resolve(io.quarkus.security.identity.SecurityIdentity,
 *     ApiKeyScope, String)} checks the one an endpoint needs)
 */
public record TenantCaller(
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String publicId,
        Set<String> allowedModels,
        String currency,
        Set<ApiKeyScope> scopes) {}
