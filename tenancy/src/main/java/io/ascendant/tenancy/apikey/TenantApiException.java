package io.ascendant.tenancy.apikey;

/**
 * A tenant-API refusal after authentication (e.g. {@link TenantApiError#INSUFFICIENT_SCOPE}); rendered by
 * {@link TenantApiExceptionMapper} as the OpenAI-shaped error with the error's status.
 */
public class TenantApiException extends RuntimeException {

    private final TenantApiError error;
    private final String param;
    private final String detail;

    /**
     * @param error the error
     * @param param the request parameter at fault (e.g. {@code model}), or null
     */
    public TenantApiException(TenantApiError error, String param) {
        this(error, param, error.message());
    }

    /**
     * @param error the error
     * @param param the request parameter at fault, or null
     * @param detail the client-facing message, instead of the error's own (never a key or a class name)
     */
    public TenantApiException(TenantApiError error, String param, String detail) {
        super(error.code(), null, false, false);
        this.error = error;
        this.param = param;
        this.detail = detail;
    }

    /** The error. */
    public TenantApiError error() {
        return error;
    }

    /** The client-facing message. */
    public String detail() {
        return detail;
    }

    /** The parameter at fault, or null. */
    public String param() {
        return param;
    }
}
