package io.ascendant.billing;

/**
 * Errors the billing module reports to its callers. Resources map them: admin endpoints to {@code
 * application/problem+json}, tenant endpoints to OpenAI-style JSON. Messages name what was wrong and the limit; they
 * never carry SQL, class names or stack traces.
 */
public abstract sealed class BillingException extends RuntimeException
        permits BillingException.Invalid, BillingException.NotFound, BillingException.Conflict {

    private BillingException(String message) {
        super(message);
    }

    /** Bad input (HTTP 400/422); {@link #field()} names the offending field. */
    public static final class Invalid extends BillingException {
        private final String field;

        public Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The request field that was wrong, e.g. {@code currency}. */
        public String field() {
            return field;
        }
    }

    /** The addressed account, invoice or price version does not exist (HTTP 404). */
    public static final class NotFound extends BillingException {
        public NotFound(String message) {
            super(message);
        }
    }

    /**
     * The request contradicts the current state, e.g. finalising a void invoice (HTTP 409); {@link #field()} names the
     * request field at fault when there is one.
     */
    public static final class Conflict extends BillingException {
        private final String field;

        public Conflict(String message) {
            this(null, message);
        }

        public Conflict(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The request field whose value conflicts, e.g. {@code timeZone}; null when no single field is at fault. */
        public String field() {
            return field;
        }
    }
}
