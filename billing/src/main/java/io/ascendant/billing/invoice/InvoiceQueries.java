package io.ascendant.billing.invoice;

import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.TokenClass;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * JDBC reads of {@code invoice} and {@code invoice_line}, mapped to {@link Invoice} and {@link InvoiceLine}: money
 * with the currency's own number of decimals, prices and precise amounts without trailing zeros. Dates are read as
 * ISO text, so the JVM's default time zone never shifts a {@code date}. Writes are in {@link InvoiceRepository}.
 */
final class InvoiceQueries {

    private InvoiceQueries() {}

    static Optional<Invoice> find(Connection c, UUID id) throws SQLException {
        List<Invoice> l = query(c, "SELECT * FROM invoice WHERE id = ?", List.of(id), true);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    static Optional<Invoice> findLive(Connection c, UUID tenant, LocalDate periodStart) throws SQLException {
        List<Invoice> l = query(
                c,
                "SELECT * FROM invoice WHERE tenant_id = ? AND period_start = ?::date AND kind = 'INVOICE'"
                        + " AND status <> 'VOID'",
                List.of(tenant, periodStart.toString()),
                true);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    /** Live (draft or finalised) regular invoices of these tenants for the period, with lines. */
    static List<Invoice> findLive(Connection c, UUID[] tenants, LocalDate periodStart) throws SQLException {
        return query(
                c,
                "SELECT * FROM invoice WHERE tenant_id = ANY(?) AND period_start = ?::date AND kind = 'INVOICE'"
                        + " AND status <> 'VOID'",
                List.of(c.createArrayOf("uuid", tenants), periodStart.toString()),
                true);
    }

    /**
     * Headers (no lines) filtered by tenant, status, the month their period starts in and/or not being drafts, newest
     * period first.
     */
    static List<Invoice> list(
            Connection c, UUID tenant, InvoiceStatus status, YearMonth period, boolean issuedOnly, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM invoice WHERE true");
        List<Object> args = new ArrayList<>();
        if (tenant != null) {
            sql.append(" AND tenant_id = ?");
            args.add(tenant);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.name());
        }
        if (period != null) {
            sql.append(" AND period_start >= ?::date AND period_start < ?::date");
            args.add(period.atDay(1).toString());
            args.add(period.plusMonths(1).atDay(1).toString());
        }
        if (issuedOnly) {
            sql.append(" AND status <> 'DRAFT'");
        }
        sql.append(" ORDER BY period_start DESC, kind, number NULLS FIRST, id LIMIT ")
                .append(limit);
        return query(c, sql.toString(), args, false);
    }

    private static List<Invoice> query(Connection c, String sql, List<Object> args, boolean withLines)
            throws SQLException {
        List<Invoice> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs, List.of()));
                }
            }
        }
        if (withLines && !out.isEmpty()) {
            Map<UUID, List<InvoiceLine>> lines =
                    lines(c, out.stream().map(Invoice::id).toList());
            out.replaceAll(i -> withLines(i, inMinorUnits(lines.getOrDefault(i.id(), List.of()), i.currency())));
        }
        return out;
    }

    /** Line amounts are stored as numeric(20,4); present them with the currency's own number of decimals. */
    private static List<InvoiceLine> inMinorUnits(List<InvoiceLine> lines, String currency) {
        int digits = io.ascendant.billing.rating.Money.minorDigits(currency);
        return lines.stream()
                .map(l -> new InvoiceLine(
                        l.lineNo(),
                        l.kind(),
                        l.servicePeriodStart(),
                        l.servicePeriodEnd(),
                        l.model(),
                        l.tokenClass(),
                        l.priceVersionId(),
                        l.window(),
                        l.quantityTokens(),
                        l.unitPricePerMtok(),
                        l.amountPrecise(),
                        l.amount().setScale(digits)))
                .toList();
    }

    static Invoice withLines(Invoice i, List<InvoiceLine> lines) {
        return new Invoice(
                i.id(),
                i.tenantId(),
                i.kind(),
                i.status(),
                i.number(),
                i.periodStart(),
                i.periodEnd(),
                i.timeZone(),
                i.currency(),
                i.billToName(),
                i.subtotal(),
                i.discountPercent(),
                i.discountAmount(),
                i.taxRatePercent(),
                i.taxAmount(),
                i.total(),
                i.issueDate(),
                i.dueDate(),
                i.creditedInvoiceId(),
                i.voidReason(),
                i.draftedAt(),
                i.finalizedAt(),
                i.voidedAt(),
                lines);
    }

    private static Map<UUID, List<InvoiceLine>> lines(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, List<InvoiceLine>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM invoice_line WHERE invoice_id = ANY(?) ORDER BY invoice_id, line_no")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getObject("invoice_id", UUID.class), k -> new ArrayList<>())
                            .add(new InvoiceLine(
                                    rs.getInt("line_no"),
                                    LineKind.valueOf(rs.getString("kind")),
                                    localDate(rs, "service_period_start"),
                                    localDate(rs, "service_period_end"),
                                    rs.getString("model"),
                                    TokenClass.valueOf(rs.getString("token_class")),
                                    rs.getLong("price_version_id"),
                                    PriceWindow.valueOf(rs.getString("price_window")),
                                    rs.getLong("quantity_tokens"),
                                    plain(rs.getBigDecimal("unit_price_per_mtok")),
                                    plain(rs.getBigDecimal("amount_precise")),
                                    rs.getBigDecimal("amount")));
                }
            }
        }
        return out;
    }

    private static Invoice map(ResultSet rs, List<InvoiceLine> lines) throws SQLException {
        String currency = rs.getString("currency").trim();
        int digits = io.ascendant.billing.rating.Money.minorDigits(currency);
        return new Invoice(
                rs.getObject("id", UUID.class),
                rs.getObject("tenant_id", UUID.class),
                InvoiceKind.valueOf(rs.getString("kind")),
                InvoiceStatus.valueOf(rs.getString("status")),
                rs.getString("number"),
                localDate(rs, "period_start"),
                localDate(rs, "period_end"),
                rs.getString("time_zone"),
                currency,
                rs.getString("bill_to_name"),
                rs.getBigDecimal("subtotal").setScale(digits),
                rs.getBigDecimal("discount_percent"),
                rs.getBigDecimal("discount_amount").setScale(digits),
                rs.getBigDecimal("tax_rate_percent"),
                rs.getBigDecimal("tax_amount").setScale(digits),
                rs.getBigDecimal("total").setScale(digits),
                localDate(rs, "issue_date"),
                localDate(rs, "due_date"),
                rs.getObject("credited_invoice_id", UUID.class),
                rs.getString("void_reason"),
                instant(rs, "drafted_at"),
                instant(rs, "finalized_at"),
                instant(rs, "voided_at"),
                lines);
    }

    private static LocalDate localDate(ResultSet rs, String col) throws SQLException {
        String s = rs.getString(col);
        return s == null ? null : LocalDate.parse(s);
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static BigDecimal plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
