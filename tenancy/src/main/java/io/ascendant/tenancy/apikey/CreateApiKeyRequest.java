package io.ascendant.tenancy.apikey;

import io.ascendant.tenancy.common.Validation;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * Create a key in a project.
 *
 * @param name human name, 1-100 characters
 * @param allowedModels models the key may use; null or empty = every model
 * @param expiresAt optional expiry, in the future
 */
public record CreateApiKeyRequest(
        @NotBlank
        @Size(max = 100)
        @Pattern(regexp = "^[^\\p{Cntrl}]+$", message = "must not contain control characters")
        String name,

        @Size(max = 100)
        List<@Pattern(regexp = Validation.MODEL_REGEX, message = "must be a model id") String> allowedModels,

        @Future Instant expiresAt) {}
