package io.ascendant.tenancy.access;

import java.util.UUID;

/** An entity that belongs to one tenant; its table has a non-null {@code tenant_id}. */
public interface TenantOwned {
    /** The owning tenant. */
    UUID tenantId();
}
