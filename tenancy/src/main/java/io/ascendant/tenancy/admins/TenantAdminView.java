package io.ascendant.tenancy.admins;

import java.time.Instant;
import java.util.UUID;

/**
 * An invited tenant admin.
 *
 * @param id row id
 * @param tenantId tenant
 * @param email address (lower case)
 * @param role {@code tenant-admin} or {@code billing-viewer}
 * @param keycloakUserId the Keycloak user
 * @param status INVITED or ACTIVE
 * @param invitationEmailSent whether Keycloak sent the "set your password" e-mail (only on the invite answer)
 * @param invitedAt when
 * @param invitedBy by whom
 */
public record TenantAdminView(
        UUID id,
        UUID tenantId,
        String email,
        String role,
        String keycloakUserId,
        String status,
        Boolean invitationEmailSent,
        Instant invitedAt,
        String invitedBy) {

    static TenantAdminView of(TenantAdmin a, Boolean sent) {
        return new TenantAdminView(
                a.id, a.tenantId, a.email, a.role, a.keycloakUserId, a.status, sent, a.invitedAt, a.invitedBy);
    }
}
