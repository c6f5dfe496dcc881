package io.ascendant.tenancy.project;

import io.ascendant.tenancy.access.TenantScopedRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Projects, always within one tenant. */
@ApplicationScoped
public class ProjectRepository extends TenantScopedRepository<Project> {

    /** Whether the tenant already has a project with this name (case-sensitive, as stored). */
    public boolean nameTaken(UUID tenantId, String name) {
        return scoped(tenantId, "name = :name", Map.of("name", name), null).count() > 0;
    }

    /** Keyset page of the tenant's projects ({@code limit + 1} rows). */
    public List<Project> page(UUID tenantId, ProjectStatus status, UUID after, int limit) {
        Map<String, Object> p = new HashMap<>();
        String where = "1 = 1";
        if (status != null) {
            where = "status = :status";
            p.put("status", status);
        }
        return keysetPage(tenantId, where, p, after, limit);
    }
}
