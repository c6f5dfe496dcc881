package io.ascendant.tenancy.common;

/**
 * Everything the tenancy services refuse, as a small sealed hierarchy. The admin API renders these as problem
 * documents (404/409/400/403/503); messages never contain secrets.
 */
public abstract sealed class TenancyException extends RuntimeException
        permits TenancyException.NotFound,
                TenancyException.Conflict,
                TenancyException.Invalid,
                TenancyException.Denied,
                TenancyException.Unavailable {

    private final String field;

    TenancyException(String message, String field, Throwable cause) {
        super(message, cause, false, false);
        this.field = field;
    }

    /** The input field at fault (JSON property name), or {@code null}. */
    public String field() {
        return field;
    }

    /** The addressed object does not exist (or is not visible in the caller's tenant). */
    public static final class NotFound extends TenancyException {
        public NotFound(String what) {
            super(what + " does not exist", null, null);
        }
    }

    /** Duplicate name or an illegal state transition. */
    public static final class Conflict extends TenancyException {
        public Conflict(String field, String message) {
            super(message, field, null);
        }
    }

    /** Invalid input; {@link #field()} names it and the message says why (and the limit, if any). */
    public static final class Invalid extends TenancyException {
        public Invalid(String field, String message) {
            super(message, field, null);
        }
    }

    /** The caller may not do this (role, or another tenant's object). */
    public static final class Denied extends TenancyException {
        public Denied(String message) {
            super(message, null, null);
        }
    }

    /** A dependency (Keycloak) failed; the command was not applied. */
    public static final class Unavailable extends TenancyException {
        public Unavailable(String message, Throwable cause) {
            super(message, null, cause);
        }
    }
}
