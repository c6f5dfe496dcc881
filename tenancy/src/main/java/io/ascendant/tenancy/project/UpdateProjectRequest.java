package io.ascendant.tenancy.project;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Change a project; null fields stay as they are.
 *
 * @param name new name (unique within the tenant)
 * @param description new description
 * @param status ARCHIVED refuses the project's keys from then on; ACTIVE re-enables them
 */
public record UpdateProjectRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = "^[^\\p{Cntrl}]+$", message = "must not contain control characters")
        String name,

        @Size(max = 2000) @Pattern(regexp = Validation.NO_NUL_REGEX, message = Validation.NO_NUL_MESSAGE)
        String description,

        ProjectStatus status) {}
