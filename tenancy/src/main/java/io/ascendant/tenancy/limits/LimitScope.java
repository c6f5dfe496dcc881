package io.ascendant.tenancy.limits;

/** What a set of limits is attached to. Plans hold the defaults of tenant-level limits. */
public enum LimitScope {
    PLAN,
    TENANT,
    PROJECT,
    KEY
}
