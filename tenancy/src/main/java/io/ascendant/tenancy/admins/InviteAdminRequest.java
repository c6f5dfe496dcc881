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
 * @param firstName optional first name of a user Keycloak does not know yet (Keycloak's default user profile asks
 *     for first and last name; without them the person is asked for them at first sign-in)
 * @param lastName optional last name, likewise
 */
public record InviteAdminRequest(
        @NotBlank @Email @Size(max = 320) String email,

        @Pattern(regexp = "^(tenant-admin|billing-viewer)$", message = "must be tenant-admin or billing-viewer")
        String role,

        @Size(max = 255) String firstName,
        @Size(max = 255) String lastName) {}
