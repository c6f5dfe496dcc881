package io.ascendant.tenancy.tenant;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Tenants. The tenant table is the root of scoping: a tenant row's own id is its tenant id. */
@ApplicationScoped
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {

    /** The tenant whose slug (= Keycloak organization alias) is given. */
    public Optional<Tenant> findBySlug(String slug) {
        return find("slug", slug).firstResultOptional();
    }

    /** The tenant linked to this Keycloak organization id (column {@code keycloak_org_id}, unique). */
    public Optional<Tenant> findByOrganization(String keycloakOrgId) {
        return find("keycloakOrgId", keycloakOrgId).firstResultOptional();
    }

    /** Whether a tenant has this id, whatever its status (one primary-key lookup; no entity is loaded). */
    public boolean exists(UUID id) {
        return count("id", id) > 0;
    }

    /** Whether a tenant with this slug exists. */
    public boolean slugTaken(String slug) {
        return count("slug", slug) > 0;
    }

    /** Keyset page over all tenants ({@code limit + 1} rows), optionally filtered by status and slug/name prefix. */
    public List<Tenant> page(TenantStatus status, String search, UUID after, int limit) {
        StringBuilder q = new StringBuilder("1 = 1");
        Map<String, Object> p = new HashMap<>();
        if (status != null) {
            q.append(" and status = :status");
            p.put("status", status);
        }
        if (search != null && !search.isBlank()) {
            q.append(" and (slug like :prefix escape '\\' or lower(displayName) like :prefix escape '\\')");
            String s = search.trim().toLowerCase(java.util.Locale.ROOT);
            p.put("prefix", s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (after != null) {
            q.append(" and id > :after");
            p.put("after", after);
        }
        Parameters params = new Parameters();
        p.forEach(params::and);
        return find(q.toString(), Sort.by("id"), params).range(0, limit).list();
    }
}
