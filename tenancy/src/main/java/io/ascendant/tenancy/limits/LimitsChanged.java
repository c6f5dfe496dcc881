package io.ascendant.tenancy.limits;

import java.util.UUID;

/**
 * CDI event fired (asynchronously, {@code @ObservesAsync}) on every replica when limits change: a limit row of a
 * plan, tenant, project or key, or a tenant's plan. Delivered through PostgreSQL NOTIFY, so it reflects changes made
 * on any replica (and by manual SQL).
 *
 * @param scope what changed ({@link LimitScope#TENANT} also when a tenant switched plans)
 * @param ownerId the plan, tenant, project or key id
 */
public record LimitsChanged(LimitScope scope, UUID ownerId) {}
