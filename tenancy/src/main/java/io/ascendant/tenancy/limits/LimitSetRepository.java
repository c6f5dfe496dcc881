package io.ascendant.tenancy.limits;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Limit rows. Tenant-level, project and key rows are always addressed with their tenant id (scoping); plan rows have
 * none.
 */
@ApplicationScoped
public class LimitSetRepository implements PanacheRepositoryBase<LimitSet, UUID> {

    /** All rows of one owner, model {@code *} first. */
    public List<LimitSet> forOwner(LimitScope scope, UUID tenantId, UUID ownerId) {
        if (scope == LimitScope.PLAN) {
            return find(
                            "scope = :scope and ownerId = :owner and tenantId is null",
                            Sort.by("model"),
                            Parameters.with("scope", scope).and("owner", ownerId))
                    .list();
        }
        return find(
                        "scope = :scope and ownerId = :owner and tenantId = :tenant",
                        Sort.by("model"),
                        Parameters.with("scope", scope).and("owner", ownerId).and("tenant", tenantId))
                .list();
    }

    /** The row of one owner for one model. */
    public Optional<LimitSet> forOwnerModel(LimitScope scope, UUID tenantId, UUID ownerId, String model) {
        return forOwner(scope, tenantId, ownerId).stream()
                .filter(r -> r.model.equals(model))
                .findFirst();
    }
}
