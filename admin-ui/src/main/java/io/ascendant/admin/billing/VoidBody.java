package io.ascendant.admin.billing;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Why a finalized invoice is voided (printed on the credit note).
 *
 * @param reason 1..500 characters
 */
public record VoidBody(
        @NotBlank @Size(max = 500) @Pattern(regexp = Validation.NO_NUL_REGEX, message = Validation.NO_NUL_MESSAGE)
        String reason) {}
