package io.ascendant.tenancy.project;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Change a project; null fields stay as they are.
 *
 * @param name new name (unique within the tenant, not blank, at most 100 characters)
 * @param description new description
 * @param status ARCHIVED refuses the project's keys from then on; ACTIVE re-enables them
 */
public record UpdateProjectRequest(
        @Size(max = 100, message = Validation.NAME_LENGTH_MESSAGE)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String name,

        @Size(max = 2000) @Pattern(regexp = Validation.NO_NUL_REGEX, message = Validation.NO_NUL_MESSAGE)
        String description,

        ProjectStatus status) {}
