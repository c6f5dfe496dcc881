package io.ascendant.tenancy.tenant;

/** Life cycle of a tenant. */
public enum TenantStatus {
    /** Keys work. */
    ACTIVE,
    /** Every key of the tenant is refused (403 {@code tenant_suspended}) until re-activated. */
    SUSPENDED,
    /** Terminal: keys refused, row kept for invoices; never deleted while it has usage. */
    CLOSED
}
