package io.ascendant.billing.invoice;

import io.ascendant.billing.invoice.InvoiceCalculator.Quantity;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.TokenClass;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What is billable for a set of tenants, read from {@code usage_rollup_day} (never the ledger itself: the daily
 * rollup is keyed by the local billing day, so a calendar month in the tenant's zone is a plain date range).
 *
 * <p>Late usage: for each earlier month in the look-back that has a FINALIZED invoice, the current rollup quantity
 * per (model, version, window, token class) minus everything finalised invoices have billed for that service period
 * (the period's own invoice plus adjustment lines of later invoices). A positive difference is usage that arrived
 * after finalisation and becomes an ADJUSTMENT line. Derived from state, so it needs no marker on the immutable
 * ledger and cannot double-bill.
 *
 * <p>Lines name what was priced: the model of the price version (the route's price tier), not the public model the
 * tenant requested, which the rollups and usage reports keep. Usage of two routes priced as one tier is one line per
 * version, window and token class. Before routes could be priced as another model every priced row's model was its
 * version's model, so invoice lines finalised then still match what this reads.
 */
final class BillableUsage {

    private BillableUsage() {}

    /**
     * Usage of [start, end) per tenant, as USAGE quantities, less what finalised later invoices already billed for
     * this period as adjustments (only possible when this period's own invoice was voided and is drafted again).
     * UNPRICED rows (version 0) are not billable.
     */
    static Map<UUID, List<Quantity>> usage(Connection c, UUID[] tenants, LocalDate start, LocalDate end)
            throws SQLException {
        Map<UUID, List<Quantity>> out = new HashMap<>();
        String sql = """
                WITH u AS (
                    SELECT r.tenant_id, v.model, r.price_version_id, r.price_window, sum(r.cache_hit_tokens) AS hit,
                           sum(r.cache_miss_tokens) AS miss, sum(r.output_tokens) AS out
                    FROM usage_rollup_day r JOIN price_book_version v ON v.id = r.price_version_id
                    WHERE r.tenant_id = ANY(?) AND r.day >= ?::date AND r.day < ?::date AND r.price_version_id <> 0
                    GROUP BY r.tenant_id, v.model, r.price_version_id, r.price_window),
                adj AS (
                    SELECT i.tenant_id, l.model, l.price_version_id, l.price_window,
                           sum(l.quantity_tokens) FILTER (WHERE l.token_class = 'CACHE_HIT') AS hit,
                           sum(l.quantity_tokens) FILTER (WHERE l.token_class = 'CACHE_MISS') AS miss,
                           sum(l.quantity_tokens) FILTER (WHERE l.token_class = 'OUTPUT') AS out
                    FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id
                    WHERE i.kind = 'INVOICE' AND i.status = 'FINALIZED' AND i.tenant_id = ANY(?)
                      AND l.kind = 'ADJUSTMENT' AND l.service_period_start = ?::date
                    GROUP BY i.tenant_id, l.model, l.price_version_id, l.price_window)
                SELECT u.tenant_id, u.model, u.price_version_id, u.price_window, u.hit - coalesce(a.hit, 0),
                       u.miss - coalesce(a.miss, 0), u.out - coalesce(a.out, 0)
                FROM u LEFT JOIN adj a ON a.tenant_id = u.tenant_id AND a.model = u.model
                 AND a.price_version_id = u.price_version_id AND a.price_window = u.price_window
                """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", tenants));
            ps.setString(2, start.toString());
            ps.setString(3, end.toString());
            ps.setArray(4, c.createArrayOf("uuid", tenants));
            ps.setString(5, start.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Quantity> l = out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>());
                    add(l, LineKind.USAGE, start, end, rs);
                }
            }
        }
        return out;
    }

    /**
     * Late usage of finalised months in [lookbackStart, periodStart) per tenant, as ADJUSTMENT quantities carrying
     * their own service period. Drafts never count as billed.
     */
    static Map<UUID, List<Quantity>> lateUsage(
            Connection c, UUID[] tenants, LocalDate lookbackStart, LocalDate periodStart) throws SQLException {
        String sql = """
                WITH finalized AS (
                    SELECT tenant_id, period_start, period_end FROM invoice
                    WHERE kind = 'INVOICE' AND status = 'FINALIZED' AND tenant_id = ANY(?)
                      AND period_start >= ?::date AND period_start < ?::date),
                current_usage AS (
                    SELECT f.tenant_id, f.period_start, f.period_end, v.model, r.price_version_id, r.price_window,
                           sum(r.cache_hit_tokens) AS hit, sum(r.cache_miss_tokens) AS miss,
                           sum(r.output_tokens) AS out
                    FROM finalized f JOIN usage_rollup_day r
                      ON r.tenant_id = f.tenant_id AND r.day >= f.period_start AND r.day < f.period_end
                    JOIN price_book_version v ON v.id = r.price_version_id
                    WHERE r.price_version_id <> 0
                    GROUP BY f.tenant_id, f.period_start, f.period_end, v.model, r.price_version_id, r.price_window),
                billed AS (
                    SELECT i.tenant_id, l.service_period_start, l.model, l.price_version_id, l.price_window,
                           sum(l.quantity_tokens) FILTER (WHERE l.token_class = 'CACHE_HIT') AS hit,
                           sum(l.quantity_tokens) FILTER (WHERE l.token_class = 'CACHE_MISS') AS miss,
                           sum(l.quantity_tokens) FILTER (WHERE l.token_class = 'OUTPUT') AS out
                    FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id
                    WHERE i.kind = 'INVOICE' AND i.status = 'FINALIZED' AND i.tenant_id = ANY(?)
                      AND l.service_period_start >= ?::date AND l.service_period_start < ?::date
                    GROUP BY i.tenant_id, l.service_period_start, l.model, l.price_version_id, l.price_window)
                SELECT u.tenant_id, u.period_start, u.period_end, u.model, u.price_version_id, u.price_window,
                       u.hit - coalesce(b.hit, 0), u.miss - coalesce(b.miss, 0), u.out - coalesce(b.out, 0)
                FROM current_usage u LEFT JOIN billed b
                  ON b.tenant_id = u.tenant_id AND b.service_period_start = u.period_start AND b.model = u.model
                 AND b.price_version_id = u.price_version_id AND b.price_window = u.price_window
                """;
        Map<UUID, List<Quantity>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", tenants));
            ps.setString(2, lookbackStart.toString());
            ps.setString(3, periodStart.toString());
            ps.setArray(4, c.createArrayOf("uuid", tenants));
            ps.setString(5, lookbackStart.toString());
            ps.setString(6, periodStart.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Quantity> l = out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>());
                    LocalDate s = LocalDate.parse(rs.getString(2));
                    LocalDate e = LocalDate.parse(rs.getString(3));
                    String model = rs.getString(4);
                    long version = rs.getLong(5);
                    PriceWindow w = PriceWindow.valueOf(rs.getString(6));
                    addIfNonZero(l, LineKind.ADJUSTMENT, s, e, model, version, w, TokenClass.CACHE_HIT, rs.getLong(7));
                    addIfNonZero(l, LineKind.ADJUSTMENT, s, e, model, version, w, TokenClass.CACHE_MISS, rs.getLong(8));
                    addIfNonZero(l, LineKind.ADJUSTMENT, s, e, model, version, w, TokenClass.OUTPUT, rs.getLong(9));
                }
            }
        }
        return out;
    }

    private static void add(List<Quantity> l, LineKind kind, LocalDate s, LocalDate e, ResultSet rs)
            throws SQLException {
        String model = rs.getString(2);
        long version = rs.getLong(3);
        PriceWindow w = PriceWindow.valueOf(rs.getString(4));
        addIfNonZero(l, kind, s, e, model, version, w, TokenClass.CACHE_HIT, rs.getLong(5));
        addIfNonZero(l, kind, s, e, model, version, w, TokenClass.CACHE_MISS, rs.getLong(6));
        addIfNonZero(l, kind, s, e, model, version, w, TokenClass.OUTPUT, rs.getLong(7));
    }

    private static void addIfNonZero(
            List<Quantity> l,
            LineKind kind,
            LocalDate s,
            LocalDate e,
            String model,
            long version,
            PriceWindow w,
            TokenClass cls,
            long tokens) {
        if (tokens != 0) {
            l.add(new Quantity(kind, s, e, model, version, w, cls, tokens));
        }
    }
}
