package io.ascendant.tenancy.access;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Base of every repository of tenant-owned rows: the one place where tenant scoping happens. Subclasses query only
 * through {@link #scoped} / {@link #findInTenant}, which always add {@code tenantId = :tenantId}; the unscoped Panache
 * finders inherited from {@link PanacheRepositoryBase} are not to be used by services (the auth path, which looks a key
 * up before any tenant is known, uses its own JDBC store).
 *
 * @param <E> entity type; its mapped attribute {@code tenantId} holds the owning tenant
 */
public abstract class TenantScopedRepository<E extends TenantOwned> implements PanacheRepositoryBase<E, UUID> {

    /** One row of the tenant by id; empty when it does not exist or belongs to another tenant. */
    public Optional<E> findInTenant(UUID tenantId, UUID id) {
        return find(
                        "tenantId = :tenantId and id = :id",
                        Parameters.with("tenantId", tenantId).and("id", id))
                .firstResultOptional();
    }

    /**
     * A query over the tenant's rows.
     *
     * @param tenantId the tenant; never null
     * @param where HQL condition over the entity's attributes ({@code "1 = 1"} for all rows), ANDed with the tenant
     * @param params named parameters of {@code where} (must not use {@code tenantId})
     */
    protected PanacheQuery<E> scoped(UUID tenantId, String where, Map<String, Object> params, Sort sort) {
        if (tenantId == null) {
            throw new IllegalArgumentException("tenant id is required for tenant-scoped queries");
        }
        if (params.containsKey("tenantId")) {
            throw new IllegalArgumentException("parameter name tenantId is reserved");
        }
        Parameters p = Parameters.with("tenantId", tenantId);
        params.forEach(p::and);
        String q = "tenantId = :tenantId and (" + where + ")";
        return sort == null ? find(q, p) : find(q, sort, p);
    }

    /**
     * A native SQL query over the tenant's rows, for the few queries HQL cannot shape (e.g. a MATERIALIZED CTE that
     * makes PostgreSQL use a search index before ordering). {@code sql} must contain {@code tenant_id = :tenantId};
     * this is checked, and the parameter is always bound here.
     */
    @SuppressWarnings("unchecked")
    protected List<E> nativeScoped(UUID tenantId, String sql, Class<E> type, Map<String, Object> params) {
        if (tenantId == null || !sql.contains("tenant_id = :tenantId")) {
            throw new IllegalArgumentException("native tenant-scoped SQL must filter tenant_id = :tenantId");
        }
        var q = getEntityManager().createNativeQuery(sql, type).setParameter("tenantId", tenantId);
        params.forEach(q::setParameter);
        return q.getResultList();
    }

    /** Keyset page of the tenant's rows with ids after {@code after}, in id order, {@code limit + 1} rows. */
    protected List<E> keysetPage(UUID tenantId, String where, Map<String, Object> params, UUID after, int limit) {
        Map<String, Object> all = new java.util.HashMap<>(params);
        String w = where;
        if (after != null) {
            w = "(" + where + ") and id > :after";
            all.put("after", after);
        }
        return scoped(tenantId, w, all, Sort.by("id")).range(0, limit).list();
    }
}
