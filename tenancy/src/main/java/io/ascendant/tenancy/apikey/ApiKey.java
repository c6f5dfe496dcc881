package io.ascendant.tenancy.apikey;

import io.ascendant.tenancy.access.TenantOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An API key row. Holds only the keyed hash of the secret ({@link ApiKeyHasher}); the key text exists only in the
 * create/rotate response.
 */
@Entity
@Table(name = "api_key")
public class ApiKey implements TenantOwned {
    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    /** The public key id embedded in the key text; how a presented key finds its row. */
    @Column(name = "public_id", nullable = false, length = 32)
    public String publicId;

    @Column(nullable = false, length = 100)
    public String name;

    /** HMAC-SHA-256(pepper, key text), 32 bytes. */
    @Column(name = "secret_hash", nullable = false)
    public byte[] secretHash;

    /** Last four characters of the key text, for display ({@code asc_<publicId>…<last4>}). */
    @Column(nullable = false, length = 4)
    public String last4;

    /** Models this key may use; empty = every model. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "allowed_models", nullable = false, columnDefinition = "varchar(100)[]")
    public String[] allowedModels = new String[0];

    /** Wire names of the key's {@link ApiKeyScope scopes}; never empty. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "scopes", nullable = false, columnDefinition = "varchar(32)[]")
    public String[] scopes = new String[0];

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public ApiKeyStatus status;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 200)
    public String createdBy;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** The key this one replaced by rotation, if any. */
    @Column(name = "rotated_from")
    public UUID rotatedFrom;

    @Override
    public UUID tenantId() {
        return tenantId;
    }
}
