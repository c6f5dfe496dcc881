package io.ascendant.admin.tenancy;

/** Paths of the admin API. */
public final class AdminApi {
    /** Root of version 1 of the admin REST API. */
    public static final String V1 = "/admin/api/v1";

    private AdminApi() {}
}
