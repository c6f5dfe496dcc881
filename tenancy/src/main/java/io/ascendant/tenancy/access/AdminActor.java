package io.ascendant.tenancy.access;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who performs an admin command: built by the admin API from the OIDC token (subject, roles, and the tenant mapped
 * from the token's {@code organization} claim). Services authorise with {@link TenantAccessPolicy} and write it into
 * the audit log.
 *
 * @param subject the token subject (Keycloak user id), recorded in the audit log
 * @param username the preferred username, for humans reading the audit log
 * @param roles the caller's admin roles ({@link AdminRole})
 * @param tenantId the caller's tenant (from its Keycloak organization), empty for platform admins without one
 */
public record AdminActor(String subject, String username, Set<String> roles, Optional<UUID> tenantId) {

    public AdminActor {
        roles = Set.copyOf(roles);
    }

    /** A system actor (migrations, start-up tasks): platform-admin rights. */
    public static AdminActor system(String name) {
        return new AdminActor(name, name, Set.of(AdminRole.PLATFORM_ADMIN), Optional.empty());
    }

    /** Whether the caller has the platform-admin role. */
    public boolean isPlatformAdmin() {
        return roles.contains(AdminRole.PLATFORM_ADMIN);
    }

    /** Whether the caller has the given role. */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** The name recorded in the audit log: username with the subject for uniqueness. */
    public String auditName() {
        return username == null || username.equals(subject) ? subject : username + " (" + subject + ")";
    }
}
