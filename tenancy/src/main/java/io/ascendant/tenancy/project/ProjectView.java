package io.ascendant.tenancy.project;

import java.time.Instant;
import java.util.UUID;

/**
 * A project as the admin API shows it.
 *
 * @param id project id
 * @param tenantId owning tenant
 * @param name unique within the tenant
 * @param description free text
 * @param status ACTIVE or ARCHIVED
 * @param createdAt creation time
 * @param updatedAt last change
 */
public record ProjectView(
        UUID id,
        UUID tenantId,
        String name,
        String description,
        ProjectStatus status,
        Instant createdAt,
        Instant updatedAt) {

    static ProjectView of(Project p) {
        return new ProjectView(p.id, p.tenantId, p.name, p.description, p.status, p.createdAt, p.updatedAt);
    }
}
