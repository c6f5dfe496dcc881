package io.ascendant.tenancy.access;

/** The Keycloak realm roles that matter to the admin API. */
public final class AdminRole {
    /** Manages everything, every tenant. */
    public static final String PLATFORM_ADMIN = "platform-admin";
    /** Manages its own tenant's projects, keys, limits (within its plan) and admins. */
    public static final String TENANT_ADMIN = "tenant-admin";
    /** Reads its own tenant's usage and invoices only. */
    public static final String BILLING_VIEWER = "billing-viewer";

    private AdminRole() {}
}
