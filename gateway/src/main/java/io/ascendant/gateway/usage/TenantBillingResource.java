package io.ascendant.gateway.usage;

import io.ascendant.admin.problem.AdminInstants;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.invoice.Invoice;
import io.ascendant.billing.invoice.InvoiceExports;
import io.ascendant.billing.invoice.InvoiceKind;
import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.billing.invoice.InvoiceStatus;
import io.ascendant.billing.rollup.UsageBucket;
import io.ascendant.billing.rollup.UsageQueries;
import io.ascendant.tenancy.apikey.ApiKeyCaller;
import io.ascendant.tenancy.apikey.ApiKeyScope;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's own usage and invoices, with its API key (role {@code tenant-api}) if the key has the scope
 * {@code billing:read} (else 403 {@code insufficient_scope}, before anything else is looked at); also a closed tenant's
 * key, which the authentication lets through here and nowhere else, so that its final invoices stay readable. The
 * tenant is always the key's tenant; another tenant's invoice answers 404 as if it did not exist. Drafts are internal
 * and never shown here. Errors are OpenAI-style JSON.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ApiKeyCaller.ROLE)
@Tag(name = "Tenant billing")
public class TenantBillingResource {

    /** OpenAI-style list envelope. */
    public record ListOf<T>(String object, List<T> data) {
        static <T> ListOf<T> of(List<T> data) {
            return new ListOf<>("list", data);
        }
    }

    @Inject
    SecurityIdentity identity;

    @Inject
    UsageQueries usage;

    @Inject
    InvoiceService invoices;

    @Inject
    InvoiceExports exports;

    @GET
    @Path("usage")
    @Operation(summary = "Usage per local day (the tenant's billing time zone), model and key in [from, to]")
    public ListOf<UsageBucket> usage(@QueryParam("from") String from, @QueryParam("to") String to) {
        UUID tenant = caller("/v1/usage").tenantId();
        return ListOf.of(usage.daily(tenant, date("from", from), date("to", to)));
    }

    /** Largest page of {@code GET /v1/invoices}, and its default. */
    static final int MAX_INVOICES = 500;

    /**
     * The tenant's issued invoices and credit notes (never drafts), newest period first, without their lines.
     *
     * @param limit at most this many, 1 to {@value #MAX_INVOICES} (default {@value #MAX_INVOICES}); else a 400
     *     naming {@code limit}
     * @param period only those whose period starts in this month, {@code YYYY-MM} with a year from 1970 to 9999;
     *     else a 400 naming {@code period}
     */
    @GET
    @Path("invoices")
    @Operation(summary = "The tenant's finalized and void invoices and credit notes, newest first (headers)")
    public ListOf<Invoice> invoices(@QueryParam("limit") String limit, @QueryParam("period") String period) {
        UUID tenant = caller("/v1/invoices").tenantId();
        return ListOf.of(invoices.listIssued(tenant, month("period", period), pageSize("limit", limit)));
    }

    @GET
    @Path("invoices/{id}")
    @Operation(summary = "One invoice or credit note with its lines")
    public Invoice invoice(@PathParam("id") String id) {
        return visible(id, "/v1/invoices/{id}");
    }

    @GET
    @Path("invoices/{id}/pdf")
    @Produces("application/pdf")
    @Operation(summary = "The invoice as PDF")
    public Response pdf(@PathParam("id") String id) {
        Invoice i = visible(id, "/v1/invoices/{id}/pdf");
        return Response.ok(exports.pdf(i), "application/pdf")
                .header("Content-Disposition", "attachment; filename=\"" + i.number() + ".pdf\"")
                .build();
    }

    @GET
    @Path("invoices/{id}/csv")
    @Produces("text/csv")
    @Operation(summary = "The invoice's lines as CSV")
    public Response csv(@PathParam("id") String id) {
        Invoice i = visible(id, "/v1/invoices/{id}/csv");
        return Response.ok(exports.csv(i), "text/csv")
                .header("Content-Disposition", "attachment; filename=\"" + i.number() + ".csv\"")
                .build();
    }

    private Invoice visible(String rawId, String endpoint) {
        UUID tenant = caller(endpoint).tenantId();
        UUID id;
        try {
            id = UUID.fromString(rawId);
        } catch (IllegalArgumentException e) {
            // A malformed id is the caller's mistake, not a missing invoice: told the form, as the admin API does.
            throw new BillingException.Invalid(
                    "id", "id must be a UUID (an invoice's id as GET /v1/invoices lists it)");
        }
        return invoices.find(id)
                .filter(i -> i.tenantId().equals(tenant))
                .filter(i -> i.status() != InvoiceStatus.DRAFT || i.kind() == InvoiceKind.CREDIT_NOTE)
                .orElseThrow(() -> new BillingException.NotFound("invoice " + rawId + " does not exist"));
    }

    /** The caller, refused with 403 {@code insufficient_scope} when its key lacks {@code billing:read}. */
    private ApiKeyCaller caller(String endpoint) {
        ApiKeyCaller c = (ApiKeyCaller) identity.getPrincipal();
        c.requireScope(ApiKeyScope.BILLING_READ, endpoint);
        return c;
    }

    /** A page size written as a plain whole number from 1 to {@value #MAX_INVOICES}; absent: the largest page. */
    private static int pageSize(String field, String value) {
        if (value == null) {
            return MAX_INVOICES;
        }
        // Digits only: "2.0", "+5" and "1e2" are not page sizes; at most 9 digits so that parsing cannot overflow.
        if (value.matches("[0-9]{1,9}")) {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_INVOICES) {
                return n;
            }
        }
        throw new BillingException.Invalid(
                field, field + " must be a whole number from 1 to " + MAX_INVOICES + ", got " + value);
    }

    private static final Pattern MONTH = Pattern.compile("([0-9]{4})-([0-9]{2})");

    /** A month written {@code YYYY-MM}, year 1970 to 9999 (the range of the admin API's dates); absent: null. */
    private static YearMonth month(String field, String value) {
        if (value == null) {
            return null;
        }
        Matcher m = MONTH.matcher(value);
        if (m.matches()) {
            int year = Integer.parseInt(m.group(1));
            int month = Integer.parseInt(m.group(2));
            if (year >= 1970 && month >= 1 && month <= 12) {
                return YearMonth.of(year, month);
            }
        }
        throw new BillingException.Invalid(
                field,
                field + " must be a month written YYYY-MM with a year from 1970 to 9999 (such as 2026-08), got "
                        + value);
    }

    private static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BillingException.Invalid(field, field + " is required (ISO date such as 2026-08-01)");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new BillingException.Invalid(field, field + " must be an ISO date such as 2026-08-01");
        }
        // The admin API's range: a far-future date would overflow the day arithmetic of the usage query (a 500).
        if (!AdminInstants.accepts(date)) {
            throw new BillingException.Invalid(
                    field, field + " must be a date " + AdminInstants.DATE_RANGE + ", got " + value);
        }
        return date;
    }
}
