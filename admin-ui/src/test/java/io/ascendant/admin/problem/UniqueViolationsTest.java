package io.ascendant.admin.problem;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class UniqueViolationsTest {

    private static SQLException unique(String message) {
        return new SQLException(message, UniqueViolations.UNIQUE_VIOLATION);
    }

    @Test
    void findsAUniqueViolationWrappedAtCommitAndNamesTheFieldOfItsConstraint() {
        SQLException sql = unique("ERROR: duplicate key value violates unique constraint \"tenant_slug_uk\"\n"
                + "  Detail: Key (slug)=(racer3) already exists.");
        Exception commit = new RuntimeException("commit failed", new PersistenceException("flush", sql));

        UniqueViolations.Violation v = UniqueViolations.find(commit).orElseThrow();

        assertThat(v.constraint()).isEqualTo("tenant_slug_uk");
        assertThat(v.field()).isEqualTo("slug");
        Problem p = UniqueViolations.problem(v);
        assertThat(p.status()).isEqualTo(409);
        assertThat(p.detail()).contains("slug").doesNotContain("racer3");
    }

    @Test
    void findsAViolationAmongSuppressedCauses() {
        Exception rollback = new IllegalStateException("rolled back");
        rollback.addSuppressed(unique("duplicate key value violates unique constraint \"project_tenant_name_uk\""));

        assertThat(UniqueViolations.find(rollback).orElseThrow().field()).isEqualTo("name");
    }

    @Test
    void namesTheKeyColumnOfAnUnlistedConstraintInCamelCase() {
        UniqueViolations.Violation v = UniqueViolations.describe(
                "duplicate key value violates unique constraint \"other_uk\"  Detail: Key (tenant_id, display_name)=(a, b)"
                        + " already exists.");

        assertThat(v.field()).isEqualTo("displayName");
    }

    @Test
    void ignoresOtherDatabaseFailures() {
        Exception notNull = new PersistenceException(new SQLException("null value in column", "23502"));

        assertThat(UniqueViolations.find(notNull)).isEmpty();
    }
}
