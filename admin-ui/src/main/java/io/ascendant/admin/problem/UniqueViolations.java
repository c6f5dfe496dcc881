package io.ascendant.admin.problem;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a PostgreSQL unique-constraint violation (SQLState {@code 23505}) however deeply Hibernate, JPA or the
 * transaction manager wrapped it, and names the request field it concerns.
 *
 * <p>A check-then-insert ("is the slug taken?") loses a race: two admins creating the same slug at once both pass
 * the check and the database refuses the second insert (on flush, or at commit as a {@code RollbackException}). That
 * is the same conflict the check reports, so it answers the same 409, not a 500. The field comes from the constraint's
 * name (the admin-reachable constraints of {@code src-migrations} are listed in {@link #FIELDS}); for any other
 * constraint, from the column PostgreSQL names in its detail ({@code Key (email)=(...)}), converted to the API's
 * camelCase. The conflicting value is never quoted back.
 */
public final class UniqueViolations {

    /** SQLState of {@code unique_violation}. */
    public static final String UNIQUE_VIOLATION = "23505";

    /** Constraint or unique-index name to the admin API field it guards (null: no field the caller chose). */
    static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("tenant_slug_uk", "slug"),
            Map.entry("tenant_keycloak_org_uk", "slug"),
            Map.entry("plan_code_uk", "code"),
            Map.entry("project_tenant_name_uk", "name"),
            Map.entry("tenant_admin_email_uk", "email"),
            Map.entry("limit_set_owner_model_uk", "model"),
            Map.entry("quota_shadow_limit_uk", "model"),
            Map.entry("price_book_version_key", "effectiveFrom"),
            Map.entry("billing_account_pkey", "tenantId"));

    private static final Pattern CONSTRAINT = Pattern.compile("unique constraint \"([A-Za-z0-9_]{1,63})\"");
    private static final Pattern KEY_COLUMNS = Pattern.compile("Key \\(([a-z0-9_, ]{1,200})\\)=");

    private UniqueViolations() {}

    /** A unique violation found in a failure's cause chain: the constraint (if PostgreSQL named it) and the field. */
    public record Violation(String constraint, String field) {}

    /** The unique violation behind {@code failure}, if its cause chain holds one (also suppressed causes at commit). */
    public static Optional<Violation> find(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 32; depth++) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                        return Optional.of(describe(String.valueOf(s.getMessage())));
                    }
                }
            }
            for (Throwable suppressed : t.getSuppressed()) {
                Optional<Violation> v = find(suppressed);
                if (v.isPresent()) {
                    return v;
                }
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return Optional.empty();
    }

    /** The constraint and field named in a PostgreSQL unique-violation message. */
    static Violation describe(String message) {
        Matcher c = CONSTRAINT.matcher(message);
        String constraint = c.find() ? c.group(1) : null;
        String field = constraint == null ? null : FIELDS.get(constraint);
        if (field == null) {
            Matcher k = KEY_COLUMNS.matcher(message);
            if (k.find()) {
                String[] columns = k.group(1).split(",\\s*");
                field = camelCase(columns[columns.length - 1].strip());
            }
        }
        return new Violation(constraint, field);
    }

    /** The problem a unique violation answers: 409 naming the field when known. */
    public static Problem problem(Violation v) {
        if (v.field() == null) {
            return Problem.of(ProblemType.CONFLICT, "the request conflicts with an existing resource");
        }
        return Problem.ofField(ProblemType.CONFLICT, v.field(), v.field() + ": this value is already taken");
    }

    private static String camelCase(String column) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return sb.toString();
    }
}
