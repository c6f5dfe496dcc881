package io.ascendant.admin.billing;

import io.ascendant.admin.tenancy.AdminApi;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.invoice.Invoice;
import io.ascendant.billing.invoice.InvoiceExports;
import io.ascendant.billing.invoice.InvoiceService;
import io.ascendant.billing.invoice.InvoiceStatus;
import io.ascendant.billing.rollup.Reconciler;
import io.ascendant.billing.rollup.UsageQueries;
import io.ascendant.tenancy.access.AdminRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Invoices for admins: everyone with an admin role reads (billing viewers and tenant admins only their own tenant's);
 * platform admins draft, finalise and void. POSTs without a body need no content type.
 */
@Path(AdminApi.V1 + "/billing")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER})
@Tag(name = "Billing")
public class InvoiceAdminResource {

    static final String CSV = "text/csv";
    static final String PDF = "application/pdf";

    @Inject
    InvoiceService invoices;

    @Inject
    InvoiceExports exports;

    @Inject
    BillingReadGuard guard;

    @Inject
    UsageQueries usage;

    @GET
    @Path("invoices")
    @Operation(summary = "Invoice headers (no lines), newest period first; tenant-bound callers see their own")
    public List<Invoice> list(
            @QueryParam("tenantId") UUID tenantId,
            @QueryParam("status") InvoiceStatus status,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        return invoices.list(guard.listingTenant(tenantId), status, limit(limit));
    }

    @GET
    @Path("invoices.csv")
    @Produces(CSV)
    @Operation(summary = "CSV export of invoice headers (same filters as the listing)")
    public Response listCsv(
            @QueryParam("tenantId") UUID tenantId,
            @QueryParam("status") InvoiceStatus status,
            @QueryParam("limit") @DefaultValue("1000") int limit) {
        String csv = exports.csvList(invoices.list(guard.listingTenant(tenantId), status, limit(limit)));
        return Response.ok(csv, CSV)
                .header("Content-Disposition", "attachment; filename=\"invoices.csv\"")
                .build();
    }

    @GET
    @Path("invoices/{id}")
    @Operation(summary = "One invoice or credit note with its lines")
    public Invoice get(@PathParam("id") UUID id) {
        return guard.visibleInvoice(id);
    }

    @GET
    @Path("invoices/{id}/csv")
    @Produces(CSV)
    @Operation(summary = "The invoice's lines as CSV")
    public Response csv(@PathParam("id") UUID id) {
        Invoice i = guard.visibleInvoice(id);
        return Response.ok(exports.csv(i), CSV)
                .header("Content-Disposition", "attachment; filename=\"" + fileName(i) + ".csv\"")
                .build();
    }

    @GET
    @Path("invoices/{id}/pdf")
    @Produces(PDF)
    @Operation(summary = "The invoice as a PDF document")
    public Response pdf(@PathParam("id") UUID id) {
        Invoice i = guard.visibleInvoice(id);
        return Response.ok(exports.pdf(i), PDF)
                .header("Content-Disposition", "attachment; filename=\"" + fileName(i) + ".pdf\"")
                .build();
    }

    @POST
    @Path("tenants/{tenantId}/invoices")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Draft (or recompute the draft of) a tenant's invoice for a month, ?period=2026-08")
    @APIResponse(
            responseCode = "201",
            description = "A new draft; Location names it",
            headers = @Header(name = "Location"),
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Invoice.class)))
    @APIResponse(
            responseCode = "200",
            description = "The month's existing draft, recomputed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Invoice.class)))
    public Response draft(@PathParam("tenantId") UUID tenantId, @QueryParam("period") String period, UriInfo uri) {
        InvoiceService.Drafted d = invoices.drafted(tenantId, period(period));
        if (!d.created()) {
            return Response.ok(d.invoice()).build();
        }
        URI location = uri.getBaseUriBuilder()
                .path(AdminApi.V1)
                .path("billing/invoices")
                .path(d.invoice().id().toString())
                .build();
        return Response.created(location).entity(d.invoice()).build();
    }

    @POST
    @Path("invoices/drafts")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Draft or recompute every tenant's invoice for a month, ?period=2026-08")
    public InvoiceService.DraftRun draftAll(@QueryParam("period") String period) {
        return invoices.draftAll(period(period));
    }

    @POST
    @Path("invoices/{id}/finalize")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Finalise a draft: recompute, assign the next gap-free number, set issue and due dates")
    public Invoice finalizeInvoice(@PathParam("id") UUID id) {
        return invoices.finalizeInvoice(id);
    }

    @POST
    @Path("invoices/{id}/void")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Void a finalised invoice; issues its credit note")
    public InvoiceService.VoidResult voidInvoice(@PathParam("id") UUID id, @NotNull @Valid VoidBody body) {
        return invoices.voidInvoice(id, body.reason());
    }

    @POST
    @Path("reconcile")
    @RolesAllowed(AdminRole.PLATFORM_ADMIN)
    @Operation(summary = "Prove the hourly and daily rollups equal the usage ledger")
    public Reconciler.Report reconcile() {
        return usage.reconcile();
    }

    /** A listing's page size: 1 to {@link InvoiceService#MAX_LIST}, else a 400 naming {@code limit}. */
    private static int limit(int limit) {
        if (limit < 1 || limit > InvoiceService.MAX_LIST) {
            throw new BillingException.Invalid(
                    "limit", "limit must be a whole number from 1 to " + InvoiceService.MAX_LIST + ", got " + limit);
        }
        return limit;
    }

    static YearMonth period(String p) {
        if (p == null || p.isBlank()) {
            throw new BillingException.Invalid("period", "period is required, e.g. 2026-08");
        }
        YearMonth period;
        try {
            period = YearMonth.parse(p);
        } catch (DateTimeParseException e) {
            throw new BillingException.Invalid("period", "period must look like 2026-08");
        }
        // Invoices exist for the platform's lifetime, give or take: a month outside these bounds is a typo (and one
        // near year 9999 would overflow the period's end in the database).
        YearMonth latest = YearMonth.now(ZoneOffset.UTC).plusMonths(12);
        if (period.isBefore(EARLIEST_PERIOD) || period.isAfter(latest)) {
            throw new BillingException.Invalid(
                    "period", "period must be between " + EARLIEST_PERIOD + " and " + latest + ", got " + period);
        }
        return period;
    }

    /** The first month an invoice can be drafted for. */
    static final YearMonth EARLIEST_PERIOD = YearMonth.of(2000, 1);

    private static String fileName(Invoice i) {
        return i.number() != null ? i.number() : "draft-" + i.id();
    }
}
