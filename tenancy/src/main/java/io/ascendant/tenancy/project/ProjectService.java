package io.ascendant.tenancy.project;

import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.audit.AuditService;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.common.TenancyException;
import io.ascendant.tenancy.tenant.Tenant;
import io.ascendant.tenancy.tenant.TenantService;
import io.ascendant.tenancy.tenant.TenantStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/** Project commands and queries, always within one tenant; one transaction and one audit row per command. */
@ApplicationScoped
public class ProjectService {

    @Inject
    ProjectRepository projects;

    @Inject
    TenantService tenants;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    AuditService audit;

    /**
     * Creates a project.
     *
     * @throws TenancyException.Conflict (field {@code name}) when the tenant already has a project of that name, or the
     *     tenant is closed
     */
    @Transactional
    public ProjectView create(AdminActor actor, UUID tenantId, CreateProjectRequest r) {
        policy.requireManage(actor, tenantId);
        Tenant t = tenants.require(tenantId);
        if (t.status == TenantStatus.CLOSED) {
            throw new TenancyException.Conflict("status", "tenant is closed");
        }
        String name = r.name().strip();
        if (projects.nameTaken(tenantId, name)) {
            throw new TenancyException.Conflict("name", "a project named '" + name + "' already exists in this tenant");
        }
        Project p = new Project();
        p.id = Ids.newId();
        p.tenantId = tenantId;
        p.name = name;
        p.description = r.description();
        p.status = ProjectStatus.ACTIVE;
        p.createdAt = Instant.now();
        p.updatedAt = p.createdAt;
        projects.persist(p);
        ProjectView v = ProjectView.of(p);
        audit.record(actor, tenantId, "project.create", "project", p.id.toString(), null, v);
        return v;
    }

    /** One project of the tenant. */
    @Transactional
    public ProjectView get(AdminActor actor, UUID tenantId, UUID projectId) {
        policy.requireManage(actor, tenantId);
        return ProjectView.of(require(tenantId, projectId));
    }

    /** Keyset page of the tenant's projects. */
    @Transactional
    public Page<ProjectView> list(AdminActor actor, UUID tenantId, ProjectStatus status, String cursor, Integer limit) {
        policy.requireManage(actor, tenantId);
        tenants.requireExists(tenantId);
        int n = Page.limit(limit);
        var rows = projects.page(tenantId, status, Page.decode(cursor).orElse(null), n).stream()
                .map(ProjectView::of)
                .toList();
        return Page.of(rows, n, ProjectView::id);
    }

    /** Renames, re-describes, archives or re-activates a project. */
    @Transactional
    public ProjectView update(AdminActor actor, UUID tenantId, UUID projectId, UpdateProjectRequest r) {
        policy.requireManage(actor, tenantId);
        Project p = require(tenantId, projectId);
        ProjectView before = ProjectView.of(p);
        if (r.name() != null) {
            String name = r.name().strip();
            if (name.isEmpty()) {
                throw new TenancyException.Invalid("name", "name: must not be blank");
            }
            if (!name.equals(p.name) && projects.nameTaken(tenantId, name)) {
                throw new TenancyException.Conflict(
                        "name", "a project named '" + name + "' already exists in this tenant");
            }
            p.name = name;
        }
        if (r.description() != null) {
            p.description = r.description();
        }
        if (r.status() != null) {
            p.status = r.status();
        }
        p.updatedAt = Instant.now();
        ProjectView after = ProjectView.of(p);
        audit.record(actor, tenantId, "project.update", "project", p.id.toString(), before, after);
        return after;
    }

    /** The project row, scoped to the tenant (for other tenancy services, after their access check). */
    public Project require(UUID tenantId, UUID projectId) {
        return projects.findInTenant(tenantId, projectId)
                .orElseThrow(() -> new TenancyException.NotFound("project " + projectId));
    }
}
