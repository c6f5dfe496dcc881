package io.ascendant.tenancy.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * Filters of the audit log; null components do not filter.
 *
 * @param tenantId only this tenant (forced to the caller's tenant for tenant admins)
 * @param action exact action, e.g. {@code api_key.create}
 * @param targetType exact target type, e.g. {@code api_key}
 * @param targetId exact target id
 * @param actor actor name prefix
 * @param since occurred at or after
 * @param until occurred before
 */
public record AuditQuery(
        UUID tenantId, String action, String targetType, String targetId, String actor, Instant since, Instant until) {}
