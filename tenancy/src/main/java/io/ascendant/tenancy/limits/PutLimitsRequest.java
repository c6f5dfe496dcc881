package io.ascendant.tenancy.limits;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * Set the limits of one level for one model (replaces that row).
 *
 * @param model model id, or {@code *} (default) for every model
 * @param limits the values; every field null deletes nothing but stores an empty row (use DELETE to remove)
 */
public record PutLimitsRequest(String model, @NotNull @Valid LimitValues limits) {}
