package io.ascendant.tenancy.limits;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Create or change a plan (platform admin).
 *
 * @param code unique code, lower-case letters, digits, dashes (ignored on update)
 * @param name display name
 * @param description free text
 */
public record PlanRequest(
        @NotBlank
        @Pattern(regexp = "^[a-z0-9][a-z0-9-]{0,63}$", message = "must be lower-case letters, digits or dashes")
        String code,

        @NotBlank
        @Size(max = 200)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String name,

        @Size(max = 2000) @Pattern(regexp = Validation.NO_NUL_REGEX, message = Validation.NO_NUL_MESSAGE)
        String description) {}
