package io.ascendant.billing.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * An invoice or credit note with its lines. Money fields are in {@code currency}, rounded to its minor unit; the
 * credit note of a voided invoice has the negated lines and totals.
 *
 * @param id invoice id
 * @param tenantId tenant billed
 * @param kind invoice or credit note
 * @param status draft, finalized or void
 * @param number gap-free number such as {@code INV-2026-000123} ({@code CN-…} for credit notes), null for drafts
 * @param periodStart first local day of the billing month
 * @param periodEnd first local day of the next month (exclusive)
 * @param timeZone zone of the tenant's calendar
 * @param currency ISO 4217 code
 * @param billToName tenant's display name at drafting
 * @param subtotal Σ rounded line amounts
 * @param discountPercent tenant discount applied
 * @param discountAmount subtotal × discount, rounded
 * @param taxRatePercent tax rate applied
 * @param taxAmount (subtotal − discount) × tax rate, rounded
 * @param total subtotal − discount + tax
 * @param issueDate local issue date (at finalisation), null for drafts
 * @param dueDate issue date + payment term
 * @param creditedInvoiceId for a credit note, the voided invoice
 * @param voidReason why it was voided
 * @param draftedAt last (re)computation
 * @param finalizedAt finalisation time
 * @param voidedAt void time
 * @param lines the lines in order
 */
public record Invoice(
        UUID id,
        UUID tenantId,
        InvoiceKind kind,
        InvoiceStatus status,
        String number,
        LocalDate periodStart,
        LocalDate periodEnd,
        String timeZone,
        String currency,
        String billToName,
        BigDecimal subtotal,
        BigDecimal discountPercent,
        BigDecimal discountAmount,
        BigDecimal taxRatePercent,
        BigDecimal taxAmount,
        BigDecimal total,
        LocalDate issueDate,
        LocalDate dueDate,
        UUID creditedInvoiceId,
        String voidReason,
        Instant draftedAt,
        Instant finalizedAt,
        Instant voidedAt,
        List<InvoiceLine> lines) {}
