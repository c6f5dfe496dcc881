package io.ascendant.tenancy.limits;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored row of limits as the admin API shows it.
 *
 * @param scope PLAN, TENANT, PROJECT or KEY
 * @param ownerId the plan, tenant, project or key id
 * @param model model id, or {@code *} for every model
 * @param limits the values (null = no limit at this level / inherited)
 * @param updatedAt last change
 * @param updatedBy who changed it last
 */
public record LimitSetView(
        LimitScope scope, UUID ownerId, String model, LimitValues limits, Instant updatedAt, String updatedBy) {

    static LimitSetView of(LimitSet s) {
        return new LimitSetView(s.scope, s.ownerId, s.model, s.values(), s.updatedAt, s.updatedBy);
    }
}
