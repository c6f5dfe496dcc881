package io.ascendant.tenancy.project;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Create a project.
 *
 * @param name unique within the tenant, 1-100 characters, no control characters
 * @param description optional, at most 2000 characters
 */
public record CreateProjectRequest(
        @NotBlank
        @Size(max = 100, message = Validation.NAME_LENGTH_MESSAGE)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String name,

        @Size(max = 2000) @Pattern(regexp = Validation.NO_NUL_REGEX, message = Validation.NO_NUL_MESSAGE)
        String description) {}
