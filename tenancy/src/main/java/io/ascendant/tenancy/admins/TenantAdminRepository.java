package io.ascendant.tenancy.admins;

import io.ascendant.tenancy.access.TenantScopedRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tenant admins, always within one tenant. */
@ApplicationScoped
public class TenantAdminRepository extends TenantScopedRepository<TenantAdmin> {

    /** Whether the address is already invited to the tenant. */
    public boolean invited(UUID tenantId, String email) {
        return scoped(tenantId, "email = :email", Map.of("email", email), null).count() > 0;
    }

    /** Keyset page ({@code limit + 1} rows). */
    public List<TenantAdmin> page(UUID tenantId, UUID after, int limit) {
        return keysetPage(tenantId, "1 = 1", Map.of(), after, limit);
    }
}
