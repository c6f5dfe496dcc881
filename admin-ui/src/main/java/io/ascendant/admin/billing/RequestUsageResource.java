package io.ascendant.admin.billing;

import io.ascendant.admin.tenancy.AdminApi;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One request's usage by its id, for support: the gateway's id ({@code x-ascendant-request-id}) or the client's
 * {@code x-request-id}. Tenant admins and billing viewers see only their own tenant's rows (another tenant's look like
 * an unknown id: 404); platform admins search every tenant, or the one named by {@code tenantId}.
 */
@Path(AdminApi.V1 + "/billing")
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Billing")
public class RequestUsageResource {

    /**
     * What an id can be: the gateway's {@code req_<24 hex>}, or a client {@code x-request-id} as the gateway accepts
     * it (1-128 characters of this set; others are never stored), the limit of {@code usage_ledger}'s columns.
     */
    private static final Pattern REQUEST_ID =
            Pattern.compile("[A-Za-z0-9._:-]{1," + UsageEvent.MAX_REQUEST_ID_LENGTH + "}");

    @Inject
    RequestUsageLookup lookup;

    @Inject
    BillingReadGuard guard;

    /**
     * The usage rows of {@code requestId}: at most one for a gateway id, every row for a client id (newest first).
     *
     * @param tenantId optional: search only this tenant (for a platform admin, whose search otherwise spans all
     *     tenants and, for a client id, reads the whole ledger); another tenant's id is a 403 for anyone else
     * @throws BillingException.Invalid (400, {@code field} {@code requestId}) for an id longer than 128 characters or
     *     with a character other than letters, digits and {@code . _ : -}
     * @throws BillingException.NotFound (404) when no visible row has the id
     */
    @GET
    @Path("requests/{requestId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The usage record(s) of a request id: the gateway's x-ascendant-request-id (one row) or the"
                    + " client's x-request-id (every row with it, newest first)")
    @APIResponse(responseCode = "200", description = "The matching usage rows")
    @APIResponse(
            responseCode = "400",
            description = "requestId longer than 128 characters or with a character other than [A-Za-z0-9._:-],"
                    + " or tenantId not a UUID")
    @APIResponse(
            responseCode = "404",
            description = "No usage row with this id that the caller may read (another tenant's rows answer the same)")
    public RequestUsage byRequestId(@PathParam("requestId") String requestId, @QueryParam("tenantId") UUID tenantId) {
        String id = requestId(requestId);
        return lookup.find(guard.listingTenant(tenantId), id);
    }

    /** The id if it is one the ledger can hold; the message never echoes a malformed id. */
    static String requestId(String value) {
        if (value == null || value.isEmpty()) {
            throw new BillingException.Invalid("requestId", "requestId is required");
        }
        if (value.length() > UsageEvent.MAX_REQUEST_ID_LENGTH) {
            throw new BillingException.Invalid(
                    "requestId",
                    "requestId is at most " + UsageEvent.MAX_REQUEST_ID_LENGTH + " characters, had " + value.length());
        }
        if (!REQUEST_ID.matcher(value).matches()) {
            throw new BillingException.Invalid(
                    "requestId",
                    "requestId may contain only letters, digits and . _ : - (a gateway id req_<24 hex> or an"
                            + " x-request-id)");
        }
        return value;
    }
}
