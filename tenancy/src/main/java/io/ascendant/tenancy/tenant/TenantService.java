package io.ascendant.tenancy.tenant;

import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.audit.AuditService;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.common.TenancyException;
import io.ascendant.tenancy.common.Validation;
import io.ascendant.tenancy.keycloak.OrganizationDirectory;
import io.ascendant.tenancy.limits.Plan;
import io.ascendant.tenancy.limits.PlanRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Tenant commands and queries. Each command is one transaction (joining the caller's, e.g. the admin API's onboarding
 * that also creates the billing account) and writes one audit row.
 */
@ApplicationScoped
public class TenantService {

    /** Plan given to tenants created without one. */
    public static final String DEFAULT_PLAN = "standard";

    @Inject
    TenantRepository tenants;

    @Inject
    PlanRepository plans;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    AuditService audit;

    @Inject
    OrganizationDirectory organizations;

    @Inject
    TransactionSynchronizationRegistry txRegistry;

    /**
     * Creates a tenant and its Keycloak organization (platform admin), all or nothing. If the transaction later rolls
     * back, the organization is deleted again (best effort, logged). An organization with the slug as alias that no
     * tenant is linked to ({@code tenant.keycloak_org_id}) is adopted instead of refused: it is what an earlier create
     * leaves behind when Keycloak made the organization but the tenant was never committed and the deletion could not
     * reach Keycloak (or Keycloak answered after the create had given up).
     *
     * <p>The tenant row is written before Keycloak is called, so the slug's unique index makes a concurrent create of
     * the same slug wait for this one; the wait on Keycloak is bounded by {@code tenancy.keycloak.*-timeout}.
     *
     * @throws TenancyException.Conflict (field {@code slug}) when the slug is taken, or its organization belongs to
     *     another tenant
     * @throws TenancyException.Invalid naming {@code currency}, {@code timeZone} or {@code plan}
     * @throws TenancyException.Unavailable when Keycloak fails or does not answer in time (nothing is written)
     */
    @Transactional
    public TenantView create(AdminActor actor, CreateTenantRequest r) {
        policy.requirePlatformAdmin(actor);
        String currency = Validation.currency("currency", r.currency());
        String zone = Validation.timeZone("timeZone", r.timeZone());
        Plan plan = planByCode(r.plan() == null ? DEFAULT_PLAN : r.plan());
        if (tenants.slugTaken(r.slug())) {
            throw new TenancyException.Conflict("slug", "a tenant with slug '" + r.slug() + "' already exists");
        }
        Tenant t = new Tenant();
        t.id = Ids.newId();
        t.slug = r.slug();
        t.displayName = r.displayName().strip();
        t.status = TenantStatus.ACTIVE;
        t.currency = currency;
        t.timeZone = zone;
        t.planId = plan.id;
        t.createdAt = Instant.now();
        t.updatedAt = t.createdAt;
        tenants.persistAndFlush(t);
        String orgId = createOrAdoptOrganization(t);
        if (orgId != null) {
            t.keycloakOrgId = orgId;
            txRegistry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {}

                @Override
                public void afterCompletion(int status) {
                    if (status != Status.STATUS_COMMITTED) {
                        organizations.deleteOrganizationQuietly(orgId);
                    }
                }
            });
        }
        TenantView view = TenantView.of(t, plan.code);
        audit.record(actor, t.id, "tenant.create", "tenant", t.id.toString(), null, view);
        return view;
    }

    private String createOrAdoptOrganization(Tenant t) {
        try {
            return organizations.createOrganization(t.slug, t.displayName);
        } catch (TenancyException.Conflict taken) {
            String orphan = organizations.findOrganization(t.slug).orElseThrow(() -> taken);
            Optional<Tenant> owner = tenants.findByOrganization(orphan);
            if (owner.isPresent()) {
                throw new TenancyException.Conflict(
                        "slug",
                        "a Keycloak organization named '" + t.slug + "' exists and belongs to tenant '"
                                + owner.get().slug + "'");
            }
            Log.infof(
                    "tenant %s adopts Keycloak organization %s ('%s'), left unlinked by an earlier create that failed",
                    t.id, orphan, t.slug);
            return orphan;
        }
    }

    /** One tenant (platform admin, or an admin of that tenant). */
    @Transactional
    public TenantView get(AdminActor actor, UUID tenantId) {
        policy.requireManage(actor, tenantId);
        return view(require(tenantId));
    }

    /** Tenants visible to the caller: all for platform admins, their own for tenant admins. */
    @Transactional
    public Page<TenantView> list(AdminActor actor, TenantStatus status, String search, String cursor, Integer limit) {
        int n = Page.limit(limit);
        Optional<UUID> after = Page.decode(cursor);
        if (!actor.isPlatformAdmin()) {
            UUID own = actor.tenantId().orElseThrow(() -> new TenancyException.Denied("you belong to no tenant"));
            policy.requireManage(actor, own);
            Tenant t = require(own);
            boolean matches = (status == null || t.status == status)
                    && after.map(a -> a.compareTo(own) < 0).orElse(true);
            return new Page<>(matches ? List.of(view(t)) : List.of(), null);
        }
        List<TenantView> rows = tenants.page(status, search, after.orElse(null), n).stream()
                .map(this::view)
                .toList();
        return Page.of(rows, n, TenantView::id);
    }

    /**
     * Changes name, time zone or plan (platform admin). The currency is fixed at creation.
     *
     * @throws TenancyException.Conflict when the tenant is closed
     */
    @Transactional
    public TenantView update(AdminActor actor, UUID tenantId, UpdateTenantRequest r) {
        policy.requirePlatformAdmin(actor);
        Tenant t = require(tenantId);
        if (t.status == TenantStatus.CLOSED) {
            throw new TenancyException.Conflict("status", "tenant is closed and can no longer change");
        }
        TenantView before = view(t);
        if (r.displayName() != null) {
            t.displayName = r.displayName().strip();
        }
        if (r.currency() != null && !r.currency().equals(t.currency)) {
            // Budgets, the billing account and every invoice are in this currency; it never changes.
            throw new TenancyException.Conflict("currency", "currency cannot change once the tenant exists");
        }
        if (r.timeZone() != null) {
            t.timeZone = Validation.timeZone("timeZone", r.timeZone());
        }
        if (r.plan() != null) {
            t.planId = planByCode(r.plan()).id;
        }
        t.updatedAt = Instant.now();
        TenantView after = view(t);
        audit.record(actor, t.id, "tenant.update", "tenant", t.id.toString(), before, after);
        return after;
    }

    /**
     * Moves a tenant to another status (platform admin): ACTIVE ⇄ SUSPENDED, either → CLOSED (terminal). Suspension
     * takes effect on every gateway replica within a second (database notification).
     *
     * @throws TenancyException.Conflict for a transition out of CLOSED
     */
    @Transactional
    public TenantView changeStatus(AdminActor actor, UUID tenantId, TenantStatus target) {
        policy.requirePlatformAdmin(actor);
        Tenant t = require(tenantId);
        if (t.status == target) {
            return view(t);
        }
        if (t.status == TenantStatus.CLOSED) {
            throw new TenancyException.Conflict("status", "tenant is closed; closing is final");
        }
        TenantView before = view(t);
        t.status = target;
        t.updatedAt = Instant.now();
        TenantView after = view(t);
        String action = switch (target) {
            case ACTIVE -> "tenant.activate";
            case SUSPENDED -> "tenant.suspend";
            case CLOSED -> "tenant.close";
        };
        audit.record(actor, t.id, action, "tenant", t.id.toString(), before, after);
        return after;
    }

    /** The tenant whose Keycloak organization alias is given (to map a token's {@code organization} claim). */
    @Transactional
    public Optional<UUID> tenantOfOrganization(String alias) {
        return tenants.findBySlug(alias).map(t -> t.id);
    }

    /**
     * The tenant row for other tenancy services (after their access check). Package-private use only through
     * services.
     */
    public Tenant require(UUID tenantId) {
        return tenants.findByIdOptional(tenantId)
                .orElseThrow(() -> new TenancyException.NotFound("tenant " + tenantId));
    }

    /**
     * Refuses an id no tenant has with the 404 of {@link #require} ("tenant <id> does not exist"), for the listings
     * under a tenant (its projects, keys, budgets, usage...), which would otherwise answer an empty page for a tenant
     * that was never created. A suspended or closed tenant exists and lists normally. One primary-key lookup; call it
     * after the access check, so a caller bound to another tenant gets the same 403 whether the id exists or not.
     */
    @Transactional
    public void requireExists(UUID tenantId) {
        if (!tenants.exists(tenantId)) {
            throw new TenancyException.NotFound("tenant " + tenantId);
        }
    }

    /** The API view of a tenant. */
    public TenantView view(Tenant t) {
        String code = plans.findByIdOptional(t.planId).map(p -> p.code).orElse(null);
        return TenantView.of(t, code);
    }

    private Plan planByCode(String code) {
        return plans.findByCode(code)
                .orElseThrow(() -> new TenancyException.Invalid("plan", "plan '" + code + "' does not exist"));
    }
}
