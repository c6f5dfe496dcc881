package io.ascendant.tenancy.project;

/** Life cycle of a project. */
public enum ProjectStatus {
    /** Keys can be created and used. */
    ACTIVE,
    /** No new keys; existing keys are refused (as unknown keys). */
    ARCHIVED
}
