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
 * @param name human name, 1-100 characters, not blank, no control characters (an empty name is refused as blank,
 *     not as containing control characters)
 * @param allowedModels models the key may use; null or empty = every model
 * @param expiresAt optional expiry, in the future
 * @param scopes what the key may call, by wire name ({@code inference}, {@code billing:read}); null = {@code
 *     inference} only ({@link ApiKeyScope#NEW_KEY_DEFAULT}); an empty list or an unknown name is a 400
 */
public record CreateApiKeyRequest(
        @NotBlank
        @Size(max = 100, message = Validation.NAME_LENGTH_MESSAGE)
        @Pattern(regexp = Validation.NO_CONTROL_REGEX, message = Validation.NO_CONTROL_MESSAGE)
        String name,

        @Size(max = 100)
        List<@Pattern(regexp = Validation.MODEL_REGEX, message = "must be a model id") String> allowedModels,

        @Future Instant expiresAt,

        @Size(max = 10) List<String> scopes) {}
