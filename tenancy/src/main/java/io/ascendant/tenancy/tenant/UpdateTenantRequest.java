package io.ascendant.tenancy.tenant;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Change a tenant (platform admin); null fields stay as they are.
 *
 * @param displayName new human name
 * @param currency must equal the current currency if given (it cannot change)
 * @param timeZone new IANA time zone
 * @param plan new plan code
 */
public record UpdateTenantRequest(
        @Size(min = 1, max = 200)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String displayName,

        String currency,
        String timeZone,

        @Pattern(regexp = "^[a-z0-9][a-z0-9-]{0,63}$", message = "must be a plan code")
        String plan) {}
