package io.ascendant.tenancy.limits;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** Plans (platform-wide, not tenant-owned). */
@ApplicationScoped
public class PlanRepository implements PanacheRepositoryBase<Plan, UUID> {

    /** The plan with this code. */
    public Optional<Plan> findByCode(String code) {
        return find("code", code).firstResultOptional();
    }
}
