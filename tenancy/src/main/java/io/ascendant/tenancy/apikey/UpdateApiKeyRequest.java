package io.ascendant.tenancy.apikey;

import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Change an existing key ({@code PATCH /tenants/{t}/keys/{k}}): for now only its scopes.
 *
 * @param scopes the key's new scopes, by wire name ({@code inference}, {@code billing:read}), replacing the old ones;
 *     required; an empty list or an unknown name is a 400 naming {@code scopes} / {@code scopes[i]}
 */
public record UpdateApiKeyRequest(@Size(max = 10) List<String> scopes) {}
