package io.ascendant.tenancy.admins;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Invite someone to administer a tenant.
 *
 * @param email their e-mail address
 * @param role {@code tenant-admin} (default) or {@code billing-viewer}
 */
public record InviteAdminRequest(
        @NotBlank @Email @Size(max = 320) String email,

        @Pattern(regexp = "^(tenant-admin|billing-viewer)$", message = "must be tenant-admin or billing-viewer")
        String role) {}
