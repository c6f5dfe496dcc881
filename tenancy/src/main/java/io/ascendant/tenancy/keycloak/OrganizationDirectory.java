package io.ascendant.tenancy.keycloak;

import java.util.Optional;

/**
 * Keycloak 26 Organizations as the tenancy module needs them: one organization per tenant (alias = tenant slug, which
 * tokens carry in the {@code organization} claim) and its admins as members.
 */
public interface OrganizationDirectory {

    /**
     * Creates the organization of a tenant.
     *
     * @param alias the tenant slug
     * @param name display name
     * @return the Keycloak organization id, or null when organizations are disabled
     * @throws io.ascendant.tenancy.common.TenancyException.Conflict when the alias is taken in Keycloak
     * @throws io.ascendant.tenancy.common.TenancyException.Unavailable when Keycloak fails or does not answer within
     *     {@code tenancy.keycloak.connect-timeout} / {@code read-timeout}
     */
    String createOrganization(String alias, String name);

    /**
     * The id of the organization with this alias, if there is one (to recognise an organization left behind by an
     * earlier create that failed after Keycloak had made it).
     *
     * @param alias the tenant slug
     * @return its Keycloak id; empty when there is none or organizations are disabled
     * @throws io.ascendant.tenancy.common.TenancyException.Unavailable when Keycloak fails or does not answer in time
     */
    Optional<String> findOrganization(String alias);

    /** Deletes an organization (compensation when the tenant's transaction rolled back). Never throws. */
    void deleteOrganizationQuietly(String organizationId);

    /**
     * Invites an admin: creates the user (username = e-mail, must set a password at first login) unless a user with
     * that e-mail exists, grants the realm role, makes the user a member of the organization and asks Keycloak to send
     * the "set your password" e-mail (best effort: needs SMTP configured in the realm).
     *
     * @param organizationId the tenant's organization
     * @param email the invitee's address
     * @param role {@code tenant-admin} or {@code billing-viewer}
     * @param firstName first name set on a user created here (Keycloak's user profile requires first and last name
     *     before sign-in); null leaves it unset; an existing user keeps theirs
     * @param lastName last name, likewise
     * @return the invitation outcome
     * @throws io.ascendant.tenancy.common.TenancyException.Invalid when Keycloak refuses the new user's details (HTTP
     *     400: e-mail syntax, characters of a name), naming the field when Keycloak does
     */
    Invitation invite(String organizationId, String email, String role, String firstName, String lastName);

    /**
     * Result of an invitation.
     *
     * @param userId Keycloak user id
     * @param emailSent whether Keycloak accepted to send the e-mail
     */
    record Invitation(String userId, boolean emailSent) {}
}
