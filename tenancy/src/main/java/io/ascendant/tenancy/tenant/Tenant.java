package io.ascendant.tenancy.tenant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A tenant (an organisation that is billed). Its slug is also its Keycloak organization alias. */
@Entity
@Table(name = "tenant")
public class Tenant {
    @Id
    public UUID id;

    @Column(nullable = false, length = 63)
    public String slug;

    @Column(name = "display_name", nullable = false, length = 200)
    public String displayName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public TenantStatus status;

    /** ISO 4217 code. */
    @Column(nullable = false, length = 3)
    public String currency;

    /** IANA zone id; budget periods and invoices follow it. */
    @Column(name = "time_zone", nullable = false, length = 64)
    public String timeZone;

    @Column(name = "plan_id", nullable = false)
    public UUID planId;

    @Column(name = "keycloak_org_id", length = 64)
    public String keycloakOrgId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
