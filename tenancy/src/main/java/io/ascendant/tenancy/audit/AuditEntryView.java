package io.ascendant.tenancy.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An audit-log row as the admin API shows it.
 *
 * @param id row id (time-ordered)
 * @param occurredAt when the change was committed
 * @param tenantId tenant concerned, null for platform-level changes
 * @param actor who (username and Keycloak subject)
 * @param actorRoles the actor's admin roles, comma-separated
 * @param action what, e.g. {@code api_key.revoke}
 * @param targetType kind of object changed, e.g. {@code api_key}
 * @param targetId id of the object changed
 * @param before state before (secrets redacted), null on create
 * @param after state after (secrets redacted), null on delete
 */
public record AuditEntryView(
        UUID id,
        Instant occurredAt,
        UUID tenantId,
        String actor,
        String actorRoles,
        String action,
        String targetType,
        String targetId,
        Map<String, Object> before,
        Map<String, Object> after) {}
