package io.ascendant.tenancy.tenant;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Create a tenant (platform admin).
 *
 * @param slug unique short name, {@value Validation#SLUG_REGEX}; becomes the Keycloak organization alias
 * @param displayName human name, at most 200 characters, no control characters
 * @param currency ISO 4217 code (USD, EUR, CNY, ...)
 * @param timeZone IANA zone (Europe/Paris, Asia/Shanghai, ...)
 * @param plan plan code, default {@code standard}
 */
public record CreateTenantRequest(
        @NotBlank
        @Pattern(regexp = Validation.SLUG_REGEX, message = "must be 2-63 lower-case letters, digits or dashes")
        String slug,

        @NotBlank
        @Size(max = 200)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String displayName,

        @NotBlank String currency,
        @NotBlank String timeZone,

        @Pattern(regexp = "^[a-z0-9][a-z0-9-]{0,63}$", message = "must be a plan code")
        String plan) {}
