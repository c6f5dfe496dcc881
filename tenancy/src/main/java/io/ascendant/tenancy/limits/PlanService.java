package io.ascendant.tenancy.limits;

import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.audit.AuditService;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.TenancyException;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/** Plans: named defaults of tenant-level limits. Everyone with an admin role may read them; platform admins edit. */
@ApplicationScoped
public class PlanService {

    @Inject
    PlanRepository plans;

    @Inject
    LimitSetRepository rows;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    AuditService audit;

    /** All plans with their limits. */
    @Transactional
    public List<PlanView> list(AdminActor actor) {
        requireReader(actor);
        return plans.listAll(Sort.by("code")).stream().map(this::view).toList();
    }

    /** One plan. */
    @Transactional
    public PlanView get(AdminActor actor, String code) {
        requireReader(actor);
        return view(require(code));
    }

    /**
     * Creates a plan (platform admin).
     *
     * @throws TenancyException.Conflict (field {@code code}) when the code exists
     */
    @Transactional
    public PlanView create(AdminActor actor, PlanRequest r) {
        policy.requirePlatformAdmin(actor);
        if (plans.findByCode(r.code()).isPresent()) {
            throw new TenancyException.Conflict("code", "a plan with code '" + r.code() + "' already exists");
        }
        Plan p = new Plan();
        p.id = Ids.newId();
        p.code = r.code();
        p.name = r.name().strip();
        p.description = r.description();
        p.createdAt = Instant.now();
        p.updatedAt = p.createdAt;
        plans.persist(p);
        PlanView v = view(p);
        audit.record(actor, null, "plan.create", "plan", p.id.toString(), null, v);
        return v;
    }

    /** Renames / re-describes a plan (platform admin); the code never changes. */
    @Transactional
    public PlanView update(AdminActor actor, String code, PlanRequest r) {
        policy.requirePlatformAdmin(actor);
        Plan p = require(code);
        PlanView before = view(p);
        p.name = r.name().strip();
        p.description = r.description();
        p.updatedAt = Instant.now();
        PlanView after = view(p);
        audit.record(actor, null, "plan.update", "plan", p.id.toString(), before, after);
        return after;
    }

    private PlanView view(Plan p) {
        List<LimitSetView> limits = rows.forOwner(LimitScope.PLAN, null, p.id).stream()
                .map(LimitSetView::of)
                .toList();
        return new PlanView(p.id, p.code, p.name, p.description, limits, p.updatedAt);
    }

    private Plan require(String code) {
        return plans.findByCode(code).orElseThrow(() -> new TenancyException.NotFound("plan " + code));
    }

    private static void requireReader(AdminActor actor) {
        if (!actor.isPlatformAdmin() && !actor.hasRole(AdminRole.TENANT_ADMIN)) {
            throw new TenancyException.Denied("you may not read plans");
        }
    }
}
