package io.ascendant.tenancy.admins;

import io.ascendant.tenancy.access.TenantOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A person invited to administer a tenant (or read its billing). */
@Entity
@Table(name = "tenant_admin")
public class TenantAdmin implements TenantOwned {
    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    /** Lower-cased e-mail address. */
    @Column(nullable = false, length = 320)
    public String email;

    /** {@code tenant-admin} or {@code billing-viewer}. */
    @Column(nullable = false, length = 32)
    public String role;

    @Column(name = "keycloak_user_id", length = 64)
    public String keycloakUserId;

    /** INVITED until the first login is observed (not tracked yet), then ACTIVE. */
    @Column(nullable = false, length = 16)
    public String status;

    @Column(name = "invited_at", nullable = false)
    public Instant invitedAt;

    @Column(name = "invited_by", nullable = false, length = 200)
    public String invitedBy;

    @Override
    public UUID tenantId() {
        return tenantId;
    }
}
