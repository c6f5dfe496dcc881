package io.ascendant.tenancy.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One audit-log row. Append-only: never updated. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {
    @Id
    public UUID id;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** The tenant concerned; null for platform-level changes (plans). */
    @Column(name = "tenant_id")
    public UUID tenantId;

    @Column(nullable = false, length = 200)
    public String actor;

    @Column(name = "actor_roles", nullable = false, length = 200)
    public String actorRoles;

    @Column(nullable = false, length = 64)
    public String action;

    @Column(name = "target_type", nullable = false, length = 32)
    public String targetType;

    @Column(name = "target_id", length = 64)
    public String targetId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "before_state")
    public Map<String, Object> before;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "after_state")
    public Map<String, Object> after;
}
