package io.ascendant.tenancy.apikey;

/**
 * A tenant-API refusal after authentication (e.g. {@link TenantApiError#MODEL_NOT_ALLOWED}); rendered by
 * {@link TenantApiExceptionMapper} as the OpenAI-shaped error with the error's status.
 */
public class TenantApiException extends RuntimeException {

    private final TenantApiError error;
    private final String param;

    /**
     * @param error the error
     * @param param the request parameter at fault (e.g. {@code model}), or null
     */
    public TenantApiException(TenantApiError error, String param) {
        super(error.code(), null, false, false);
        this.error = error;
        this.param = param;
    }

    /** The error. */
    public TenantApiError error() {
        return error;
    }

    /** The parameter at fault, or null. */
    public String param() {
        return param;
    }
}
