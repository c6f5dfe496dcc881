package io.ascendant.tenancy.limits;

import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.apikey.ApiKeyService;
import io.ascendant.tenancy.audit.AuditService;
import io.ascendant.tenancy.catalogue.KnownModels;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.TenancyException;
import io.ascendant.tenancy.common.Validation;
import io.ascendant.tenancy.project.ProjectService;
import io.ascendant.tenancy.tenant.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Limits and budgets as data on plans, tenants, projects and keys. Platform admins set plan and tenant-level limits;
 * tenant admins set their projects' and keys' limits, which may not exceed the tenant's effective limits (its plan
 * overlaid by its own values). Enforcement is the quota engine's: it reads {@link EffectiveLimitsResolver}.
 */
@ApplicationScoped
public class LimitsService {

    @Inject
    LimitSetRepository rows;

    @Inject
    PlanRepository plans;

    @Inject
    TenantService tenants;

    @Inject
    ProjectService projects;

    @Inject
    ApiKeyService keys;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    AuditService audit;

    @Inject
    EffectiveLimitsResolver resolver;

    @Inject
    KnownModels models;

    /** The stored rows of a tenant, project or key (scope TENANT/PROJECT/KEY). */
    @Transactional
    public List<LimitSetView> get(AdminActor actor, LimitScope scope, UUID tenantId, UUID ownerId) {
        policy.requireManage(actor, tenantId);
        requireOwner(scope, tenantId, ownerId);
        return rows.forOwner(scope, tenantId, ownerId).stream()
                .map(LimitSetView::of)
                .toList();
    }

    /**
     * Sets (replaces) the limits of a tenant, project or key for one model.
     *
     * @throws TenancyException.Invalid naming the field: a model not in the catalogue, negative values, a rate limit
     *     below 1, a budget without a period, or (tenant admins) a value above the tenant's limit
     * @throws TenancyException.Denied when a tenant admin sets tenant-level limits
     */
    @Transactional
    public LimitSetView put(AdminActor actor, LimitScope scope, UUID tenantId, UUID ownerId, PutLimitsRequest r) {
        if (scope == LimitScope.PLAN) {
            throw new IllegalArgumentException("use putPlanLimits for plans");
        }
        if (scope == LimitScope.TENANT) {
            policy.requirePlatformAdmin(actor);
        } else {
            policy.requireManage(actor, tenantId);
        }
        requireOwner(scope, tenantId, ownerId);
        String model = catalogued(r.model());
        LimitValues v = validate(r.limits());
        if (!actor.isPlatformAdmin() && scope != LimitScope.TENANT) {
            requireWithinTenant(tenantId, model, v);
        }
        return upsert(actor, scope, tenantId, ownerId, model, v);
    }

    /** Removes the limits of a tenant, project or key for one model (back to inherited / none). */
    @Transactional
    public void delete(AdminActor actor, LimitScope scope, UUID tenantId, UUID ownerId, String model) {
        if (scope == LimitScope.TENANT) {
            policy.requirePlatformAdmin(actor);
        } else {
            policy.requireManage(actor, tenantId);
        }
        requireOwner(scope, tenantId, ownerId);
        String m = model == null ? LimitSet.ALL_MODELS : model;
        LimitSet row = rows.forOwnerModel(scope, tenantId, ownerId, m)
                .orElseThrow(() -> new TenancyException.NotFound("limits for model '" + m + "'"));
        LimitSetView before = LimitSetView.of(row);
        rows.delete(row);
        audit.record(actor, tenantId, "limits.delete", scope.name().toLowerCase(), ownerId.toString(), before, null);
    }

    /** Sets a plan's default limits for one model (platform admin). */
    @Transactional
    public LimitSetView putPlanLimits(AdminActor actor, String planCode, PutLimitsRequest r) {
        policy.requirePlatformAdmin(actor);
        Plan plan = plans.findByCode(planCode).orElseThrow(() -> new TenancyException.NotFound("plan " + planCode));
        String model = catalogued(r.model());
        return upsert(actor, LimitScope.PLAN, null, plan.id, model, validate(r.limits()));
    }

    /** A limit's model: {@code *} when absent, else the public name of a model in the catalogue (not an alias). */
    private String catalogued(String model) {
        String m = Validation.model("model", model == null ? LimitSet.ALL_MODELS : model, true);
        return models.requireForLimits("model", m);
    }

    /**
     * The effective limits of (tenant, project, key, model), as the quota engine sees them: a model named by an alias
     * gets the limits of its public name.
     *
     * @throws TenancyException.Invalid naming {@code model} when it is neither {@code *} nor a catalogue model's
     *     public name or alias
     */
    public EffectiveLimits effective(AdminActor actor, UUID tenantId, UUID projectId, UUID keyId, String model) {
        policy.requireManage(actor, tenantId);
        if (projectId != null) {
            requireOwner(LimitScope.PROJECT, tenantId, projectId);
        }
        if (keyId != null) {
            requireOwner(LimitScope.KEY, tenantId, keyId);
        }
        String m = models.requirePublicName("model", Validation.model("model", model, true));
        return resolver.resolve(tenantId, projectId, keyId, m);
    }

    private LimitSetView upsert(
            AdminActor actor, LimitScope scope, UUID tenantId, UUID ownerId, String model, LimitValues v) {
        LimitSet row = rows.forOwnerModel(scope, tenantId, ownerId, model).orElse(null);
        LimitSetView before = row == null ? null : LimitSetView.of(row);
        if (row == null) {
            row = new LimitSet();
            row.id = Ids.newId();
            row.scope = scope;
            row.ownerId = ownerId;
            row.tenantId = tenantId;
            row.model = model;
        }
        row.setValues(v);
        row.updatedAt = Instant.now();
        row.updatedBy = actor.auditName();
        rows.persist(row);
        LimitSetView after = LimitSetView.of(row);
        audit.record(actor, tenantId, "limits.put", scope.name().toLowerCase(), ownerId.toString(), before, after);
        return after;
    }

    private void requireOwner(LimitScope scope, UUID tenantId, UUID ownerId) {
        switch (scope) {
            case TENANT -> {
                if (!tenantId.equals(ownerId)) {
                    throw new TenancyException.NotFound("tenant " + ownerId);
                }
                tenants.require(tenantId);
            }
            case PROJECT -> projects.require(tenantId, ownerId);
            case KEY -> keys.require(tenantId, ownerId);
            case PLAN -> throw new IllegalArgumentException("plans are not tenant-owned");
        }
    }

    /** Cross-field rules Bean Validation cannot express. */
    static LimitValues validate(LimitValues v) {
        if ((v.budgetTokens() != null || v.budgetAmount() != null) && v.budgetPeriod() == null) {
            throw new TenancyException.Invalid(
                    "limits.budgetPeriod", "limits.budgetPeriod is required when a budget is set (DAY or MONTH)");
        }
        checkRate("limits.requestsPerMinute", v.requestsPerMinute());
        checkRate("limits.tokensPerMinute", v.tokensPerMinute());
        checkNonNegative("limits.concurrentRequests", v.concurrentRequests());
        checkNonNegative("limits.budgetTokens", v.budgetTokens());
        if (v.budgetAmount() != null) {
            if (v.budgetAmount().signum() < 0) {
                throw new TenancyException.Invalid("limits.budgetAmount", "limits.budgetAmount must be >= 0");
            }
            if (v.budgetAmount().stripTrailingZeros().scale() > 6) {
                throw new TenancyException.Invalid(
                        "limits.budgetAmount", "limits.budgetAmount has more than 6 decimal places");
            }
        }
        return v;
    }

    private void requireWithinTenant(UUID tenantId, String model, LimitValues v) {
        LimitValues cap = resolver.resolve(tenantId, null, null, model).tenant();
        checkAtMost("limits.requestsPerMinute", v.requestsPerMinute(), cap.requestsPerMinute());
        checkAtMost("limits.tokensPerMinute", v.tokensPerMinute(), cap.tokensPerMinute());
        checkAtMost("limits.concurrentRequests", v.concurrentRequests(), cap.concurrentRequests());
        if (cap.budgetPeriod() == null || cap.budgetPeriod() == v.budgetPeriod()) {
            checkAtMost("limits.budgetTokens", v.budgetTokens(), cap.budgetTokens());
            if (v.budgetAmount() != null
                    && cap.budgetAmount() != null
                    && v.budgetAmount().compareTo(cap.budgetAmount()) > 0) {
                throw new TenancyException.Invalid(
                        "limits.budgetAmount",
                        "limits.budgetAmount must be at most "
                                + cap.budgetAmount().toPlainString() + " (the tenant's limit)");
            }
        }
    }

    /** A rate limit of 0 would mean "no limit" to the quota engine; see {@link LimitValues}. */
    private static void checkRate(String field, Number n) {
        if (n != null && n.longValue() < 1) {
            throw new TenancyException.Invalid(field, field + " " + LimitValues.RATE_AT_LEAST_ONE);
        }
    }

    private static void checkNonNegative(String field, Number n) {
        if (n != null && n.longValue() < 0) {
            throw new TenancyException.Invalid(field, field + " must be >= 0");
        }
    }

    private static void checkAtMost(String field, Number value, Number cap) {
        if (value != null && cap != null && value.longValue() > cap.longValue()) {
            throw new TenancyException.Invalid(field, field + " must be at most " + cap + " (the tenant's limit)");
        }
    }
}
