package io.ascendant.tenancy.limits;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A plan with its default limits.
 *
 * @param id plan id
 * @param code unique code
 * @param name display name
 * @param description free text
 * @param limits default tenant-level limits, per model ({@code *} = every model)
 * @param updatedAt last change
 */
public record PlanView(
        UUID id, String code, String name, String description, List<LimitSetView> limits, Instant updatedAt) {}
