package io.ascendant.tenancy.limits;

import java.time.ZoneId;
import java.util.UUID;

/**
 * The limits that apply to one request of (tenant, project, key, model). Each level is enforced on its own counters:
 * a project's budget is shared by its keys, the tenant's by all its projects. Within a level, values for the specific
 * model override the level's all-model values field by field; the tenant level starts from the plan's defaults and is
 * overlaid by the tenant's own values.
 *
 * <p>A key and the keys rotated from it form one lineage: key-level counters (rates, concurrency, budgets) are keyed by
 * {@code keyLineageId}, so a successor continues the spend of the key it replaces and the old key, during its grace
 * period, spends from the same pool; otherwise every rotation would add a full key budget.
 *
 * @param tenantId tenant
 * @param projectId project
 * @param keyId key
 * @param model model id as requested
 * @param currency currency of {@code budgetAmount} values (the tenant's)
 * @param timeZone time zone of budget periods (the tenant's)
 * @param tenant tenant-level limits (plan defaults + tenant overrides)
 * @param project project-level limits
 * @param key key-level limits
 * @param keyLineageId the first key of {@code keyId}'s rotation chain (followed through {@code api_key.rotated_from});
 *     {@code keyId} itself for a key never rotated from another, null when {@code keyId} is null
 */
public record EffectiveLimits(
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String model,
        String currency,
        ZoneId timeZone,
        LimitValues tenant,
        LimitValues project,
        LimitValues key,
        UUID keyLineageId) {

    /** Limits of a key that is its own lineage (never rotated from another key). */
    public EffectiveLimits(
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String currency,
            ZoneId timeZone,
            LimitValues tenant,
            LimitValues project,
            LimitValues key) {
        this(tenantId, projectId, keyId, model, currency, timeZone, tenant, project, key, keyId);
    }
}
