package io.ascendant.billing.invoice;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * JDBC writes to {@code invoice}, {@code invoice_line} and {@code invoice_number_counter}: drafts inserted and
 * replaced, numbers taken, invoices finalised, voided and deleted. Dates are passed as ISO text and cast in SQL, so the
 * JVM's default time zone never shifts a {@code date}. Reads are in {@link InvoiceQueries}.
 */
final class InvoiceRepository {

    private InvoiceRepository() {}

    private static final String INSERT_HEADER = "INSERT INTO invoice (id, tenant_id, kind, status, number,"
            + " period_start, period_end, time_zone, currency, bill_to_name, subtotal, discount_percent,"
            + " discount_amount, tax_rate_percent, tax_amount, total, issue_date, due_date, credited_invoice_id,"
            + " void_reason, drafted_at, finalized_at)"
            + " VALUES (?,?,?,?,?,?::date,?::date,?,?,?,?,?,?,?,?,?,?::date,?::date,?,?,?,?)";

    /** Inserts header and lines. */
    static void insert(Connection c, Invoice i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_HEADER)) {
            bindHeader(ps, i);
            ps.executeUpdate();
        }
        insertLines(c, List.of(i));
    }

    private static void bindHeader(PreparedStatement ps, Invoice i) throws SQLException {
        int p = 1;
        ps.setObject(p++, i.id());
        ps.setObject(p++, i.tenantId());
        ps.setString(p++, i.kind().name());
        ps.setString(p++, i.status().name());
        ps.setString(p++, i.number());
        ps.setString(p++, i.periodStart().toString());
        ps.setString(p++, i.periodEnd().toString());
        ps.setString(p++, i.timeZone());
        ps.setString(p++, i.currency());
        ps.setString(p++, i.billToName());
        ps.setBigDecimal(p++, i.subtotal());
        ps.setBigDecimal(p++, i.discountPercent());
        ps.setBigDecimal(p++, i.discountAmount());
        ps.setBigDecimal(p++, i.taxRatePercent());
        ps.setBigDecimal(p++, i.taxAmount());
        ps.setBigDecimal(p++, i.total());
        ps.setString(p++, i.issueDate() == null ? null : i.issueDate().toString());
        ps.setString(p++, i.dueDate() == null ? null : i.dueDate().toString());
        ps.setObject(p++, i.creditedInvoiceId());
        ps.setString(p++, i.voidReason());
        ps.setTimestamp(p++, Timestamp.from(i.draftedAt()));
        ps.setTimestamp(p, i.finalizedAt() == null ? null : Timestamp.from(i.finalizedAt()));
    }

    /** Replaces a draft's lines and totals (the row must be DRAFT; triggers guard the rest). */
    static void replaceDraft(Connection c, Invoice i) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM invoice_line WHERE invoice_id = ?")) {
            del.setObject(1, i.id());
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE invoice SET bill_to_name = ?, time_zone = ?,"
                + " subtotal = ?, discount_percent = ?, discount_amount = ?, tax_rate_percent = ?, tax_amount = ?,"
                + " total = ?, drafted_at = ? WHERE id = ? AND status = 'DRAFT'")) {
            ps.setString(1, i.billToName());
            ps.setString(2, i.timeZone());
            ps.setBigDecimal(3, i.subtotal());
            ps.setBigDecimal(4, i.discountPercent());
            ps.setBigDecimal(5, i.discountAmount());
            ps.setBigDecimal(6, i.taxRatePercent());
            ps.setBigDecimal(7, i.taxAmount());
            ps.setBigDecimal(8, i.total());
            ps.setTimestamp(9, Timestamp.from(i.draftedAt()));
            ps.setObject(10, i.id());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("invoice " + i.id() + " is no longer a draft");
            }
        }
        insertLines(c, List.of(i));
    }

    /** Inserts the lines of many invoices in one statement. */
    static void insertLines(Connection c, List<Invoice> invoices) throws SQLException {
        int n = invoices.stream().mapToInt(i -> i.lines().size()).sum();
        if (n == 0) {
            return;
        }
        Object[] inv = new Object[n];
        Integer[] no = new Integer[n];
        String[] kind = new String[n];
        String[] start = new String[n];
        String[] end = new String[n];
        String[] model = new String[n];
        String[] cls = new String[n];
        Long[] version = new Long[n];
        String[] window = new String[n];
        Long[] qty = new Long[n];
        BigDecimal[] unit = new BigDecimal[n];
        BigDecimal[] precise = new BigDecimal[n];
        BigDecimal[] amount = new BigDecimal[n];
        int k = 0;
        for (Invoice i : invoices) {
            for (InvoiceLine l : i.lines()) {
                inv[k] = i.id();
                no[k] = l.lineNo();
                kind[k] = l.kind().name();
                start[k] = l.servicePeriodStart().toString();
                end[k] = l.servicePeriodEnd().toString();
                model[k] = l.model();
                cls[k] = l.tokenClass().name();
                version[k] = l.priceVersionId();
                window[k] = l.window().name();
                qty[k] = l.quantityTokens();
                unit[k] = l.unitPricePerMtok();
                precise[k] = l.amountPrecise();
                amount[k] = l.amount();
                k++;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO invoice_line (invoice_id, line_no, kind,"
                + " service_period_start, service_period_end, model, token_class, price_version_id, price_window,"
                + " quantity_tokens, unit_price_per_mtok, amount_precise, amount)"
                + " SELECT * FROM unnest(?::uuid[], ?::int[], ?::varchar[], ?::date[], ?::date[], ?::varchar[],"
                + " ?::varchar[], ?::bigint[], ?::varchar[], ?::bigint[], ?::numeric[], ?::numeric[], ?::numeric[])")) {
            int p = 1;
            ps.setArray(p++, c.createArrayOf("uuid", inv));
            ps.setArray(p++, c.createArrayOf("int4", no));
            ps.setArray(p++, c.createArrayOf("varchar", kind));
            ps.setArray(p++, c.createArrayOf("varchar", start));
            ps.setArray(p++, c.createArrayOf("varchar", end));
            ps.setArray(p++, c.createArrayOf("varchar", model));
            ps.setArray(p++, c.createArrayOf("varchar", cls));
            ps.setArray(p++, c.createArrayOf("bigint", version));
            ps.setArray(p++, c.createArrayOf("varchar", window));
            ps.setArray(p++, c.createArrayOf("bigint", qty));
            ps.setArray(p++, c.createArrayOf("numeric", unit));
            ps.setArray(p++, c.createArrayOf("numeric", precise));
            ps.setArray(p, c.createArrayOf("numeric", amount));
            ps.executeUpdate();
        }
    }

    /** Inserts many drafts: headers in one JDBC batch, then all their lines in one statement. */
    static void insertDrafts(Connection c, List<Invoice> drafts) throws SQLException {
        if (drafts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_HEADER)) {
            for (Invoice d : drafts) {
                bindHeader(ps, d);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        insertLines(c, drafts);
    }

    /** Takes the next gap-free number of (prefix, year) in the current transaction. */
    static long nextNumber(Connection c, String prefix, int year) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO invoice_number_counter (prefix, year, last_value) VALUES (?, ?, 1)"
                        + " ON CONFLICT (prefix, year) DO UPDATE SET last_value = invoice_number_counter.last_value + 1"
                        + " RETURNING last_value")) {
            ps.setString(1, prefix);
            ps.setInt(2, year);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void markFinalized(Connection c, UUID id, String number, LocalDate issue, LocalDate due, Instant at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE invoice SET status = 'FINALIZED', number = ?,"
                + " issue_date = ?::date, due_date = ?::date, finalized_at = ? WHERE id = ? AND status = 'DRAFT'")) {
            ps.setString(1, number);
            ps.setString(2, issue.toString());
            ps.setString(3, due.toString());
            ps.setTimestamp(4, Timestamp.from(at));
            ps.setObject(5, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("invoice " + id + " is no longer a draft");
            }
        }
    }

    static void markVoid(Connection c, UUID id, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE invoice SET status = 'VOID', void_reason = ?,"
                + " voided_at = ? WHERE id = ? AND status = 'FINALIZED'")) {
            ps.setString(1, reason);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setObject(3, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("invoice " + id + " is not finalized");
            }
        }
    }

    static void deleteDraft(Connection c, UUID id) throws SQLException {
        try (PreparedStatement l = c.prepareStatement("DELETE FROM invoice_line WHERE invoice_id = ?");
                PreparedStatement h = c.prepareStatement("DELETE FROM invoice WHERE id = ? AND status = 'DRAFT'")) {
            l.setObject(1, id);
            l.executeUpdate();
            h.setObject(1, id);
            h.executeUpdate();
        }
    }
}
