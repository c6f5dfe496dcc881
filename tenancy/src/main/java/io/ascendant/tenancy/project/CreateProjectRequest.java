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
        @Size(max = 100)
        @Pattern(regexp = "^[^\\p{Cntrl}]+$", message = "must not contain control characters")
        String name,

        @Size(max = 2000) @Pattern(regexp = Validation.NO_NUL_REGEX, message = Validation.NO_NUL_MESSAGE)
        String description) {}
