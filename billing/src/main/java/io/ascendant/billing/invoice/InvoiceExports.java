package io.ascendant.billing.invoice;

import io.ascendant.billing.BillingConfig;
import io.ascendant.billing.pricebook.PriceWindow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.openpdf.text.Document;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.FontFactory;
import org.openpdf.text.PageSize;
import org.openpdf.text.Paragraph;
import org.openpdf.text.Phrase;
import org.openpdf.text.pdf.PdfPCell;
import org.openpdf.text.pdf.PdfPTable;
import org.openpdf.text.pdf.PdfWriter;

/**
 * Invoice exports: CSV (one row per line, or one row per invoice for lists) and PDF (A4, issuer, bill-to, number,
 * dates, period, line table, subtotal, discount, tax and total), rendered with OpenPDF. JSON is the {@link Invoice}
 * record itself. Numbers are printed with a dot as decimal separator and the currency code, never a locale symbol.
 * Names (issuer, bill-to, models) may be in any script Noto Sans SC covers, Chinese included ({@link InvoiceFonts}).
 */
@ApplicationScoped
public class InvoiceExports {

    /** Who issues the invoices, as printed on the PDF. */
    public record Issuer(String name, String address, String taxId, int paymentTermDays) {}

    private final Issuer issuer;

    @Inject
    public InvoiceExports(BillingConfig config) {
        this(new Issuer(
                config.invoice().issuerName(),
                config.invoice().issuerAddress(),
                config.invoice().issuerTaxId(),
                config.invoice().paymentTermDays()));
    }

    /** For tests and tools without CDI. */
    public InvoiceExports(Issuer issuer) {
        this.issuer = issuer;
    }

    /** Header of {@link #csv(Invoice)}. */
    public static final String LINE_CSV_HEADER = "invoice_number,invoice_id,tenant_id,status,currency,line_no,kind,"
            + "service_period_start,service_period_end,model,token_class,price_window,price_version_id,"
            + "quantity_tokens,unit_price_per_mtok,amount_precise,amount";

    /** Lines of one invoice as CSV (RFC 4180, CRLF), header first. */
    public String csv(Invoice i) {
        StringBuilder sb = new StringBuilder(LINE_CSV_HEADER).append("\r\n");
        for (InvoiceLine l : i.lines()) {
            sb.append(cell(i.number()))
                    .append(',')
                    .append(i.id())
                    .append(',')
                    .append(i.tenantId())
                    .append(',')
                    .append(i.status())
                    .append(',')
                    .append(i.currency())
                    .append(',')
                    .append(l.lineNo())
                    .append(',')
                    .append(l.kind())
                    .append(',')
                    .append(l.servicePeriodStart())
                    .append(',')
                    .append(l.servicePeriodEnd())
                    .append(',')
                    .append(cell(l.model()))
                    .append(',')
                    .append(l.tokenClass())
                    .append(',')
                    .append(l.window())
                    .append(',')
                    .append(l.priceVersionId())
                    .append(',')
                    .append(l.quantityTokens())
                    .append(',')
                    .append(l.unitPricePerMtok().toPlainString())
                    .append(',')
                    .append(l.amountPrecise().toPlainString())
                    .append(',')
                    .append(l.amount().toPlainString())
                    .append("\r\n");
        }
        return sb.toString();
    }

    /** Header of {@link #csvList(List)}. */
    public static final String LIST_CSV_HEADER = "invoice_number,invoice_id,tenant_id,bill_to,kind,status,period_start,"
            + "period_end,time_zone,currency,subtotal,discount_amount,tax_amount,total,issue_date,due_date";

    /** One row per invoice (headers only), for the admin's CSV export. */
    public String csvList(List<Invoice> invoices) {
        StringBuilder sb = new StringBuilder(LIST_CSV_HEADER).append("\r\n");
        for (Invoice i : invoices) {
            sb.append(cell(i.number()))
                    .append(',')
                    .append(i.id())
                    .append(',')
                    .append(i.tenantId())
                    .append(',')
                    .append(cell(i.billToName()))
                    .append(',')
                    .append(i.kind())
                    .append(',')
                    .append(i.status())
                    .append(',')
                    .append(i.periodStart())
                    .append(',')
                    .append(i.periodEnd())
                    .append(',')
                    .append(i.timeZone())
                    .append(',')
                    .append(i.currency())
                    .append(',')
                    .append(i.subtotal().toPlainString())
                    .append(',')
                    .append(i.discountAmount().toPlainString())
                    .append(',')
                    .append(i.taxAmount().toPlainString())
                    .append(',')
                    .append(i.total().toPlainString())
                    .append(',')
                    .append(i.issueDate() == null ? "" : i.issueDate().toString())
                    .append(',')
                    .append(i.dueDate() == null ? "" : i.dueDate().toString())
                    .append("\r\n");
        }
        return sb.toString();
    }

    private static String cell(String s) {
        if (s == null) {
            return "";
        }
        String safe = s;
        // Spreadsheet formula injection guard: a leading =, +, - or @ is neutralised.
        if (!safe.isEmpty() && "=+-@".indexOf(safe.charAt(0)) >= 0) {
            safe = "'" + safe;
        }
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }

    /** The invoice as an A4 PDF document. */
    public byte[] pdf(Invoice i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document doc = new Document(PageSize.A4, 48, 48, 48, 48);
        PdfWriter.getInstance(doc, out);
        Font title = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 18);
        Font bold = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 9);
        Font normal = FontFactory.getFont(FontFactory.HELVETICA, 9);
        Font small = FontFactory.getFont(FontFactory.HELVETICA, 7, Color.DARK_GRAY);
        doc.addTitle(documentName(i) + " " + (i.number() == null ? "DRAFT" : i.number()));
        doc.addCreator(issuer.name());
        doc.open();

        PdfPTable head = new PdfPTable(new float[] {1, 1});
        head.setWidthPercentage(100);
        PdfPCell from = new PdfPCell();
        from.setBorder(0);
        from.addElement(new Paragraph(InvoiceFonts.phrase(issuer.name(), bold)));
        for (String line : issuer.address().split("\\|")) {
            from.addElement(new Paragraph(InvoiceFonts.phrase(line.strip(), normal)));
        }
        if (!"none".equals(issuer.taxId())) {
            from.addElement(new Paragraph(InvoiceFonts.phrase("Tax ID: " + issuer.taxId(), normal)));
        }
        head.addCell(from);
        PdfPCell right = new PdfPCell();
        right.setBorder(0);
        Paragraph t = new Paragraph(documentName(i).toUpperCase(Locale.ROOT), title);
        t.setAlignment(Element.ALIGN_RIGHT);
        right.addElement(t);
        String state = switch (i.status()) {
            case DRAFT -> "DRAFT - not a valid invoice";
            case VOID -> "VOID - cancelled by credit note";
            case FINALIZED -> "";
        };
        if (!state.isEmpty()) {
            Paragraph s = new Paragraph(state, FontFactory.getFont(FontFactory.HELVETICA_BOLD, 10, Color.RED));
            s.setAlignment(Element.ALIGN_RIGHT);
            right.addElement(s);
        }
        head.addCell(right);
        doc.add(head);
        doc.add(new Paragraph(" "));

        PdfPTable meta = new PdfPTable(new float[] {1.2f, 2f, 1.2f, 2f});
        meta.setWidthPercentage(100);
        metaRow(
                meta,
                "Bill to",
                i.billToName(),
                "Number",
                i.number() == null ? "(assigned at finalisation)" : i.number(),
                bold,
                normal);
        metaRow(meta, "Tenant ID", i.tenantId().toString(), "Issue date", text(i.issueDate()), bold, normal);
        metaRow(
                meta,
                "Period",
                i.periodStart() + " to " + i.periodEnd().minusDays(1) + " (" + i.timeZone() + ")",
                "Due date",
                text(i.dueDate()),
                bold,
                normal);
        metaRow(
                meta,
                "Currency",
                i.currency(),
                i.creditedInvoiceId() == null ? "Invoice ID" : "Credits invoice",
                i.creditedInvoiceId() == null
                        ? i.id().toString()
                        : i.creditedInvoiceId().toString(),
                bold,
                normal);
        doc.add(meta);
        doc.add(new Paragraph(" "));

        PdfPTable lines = new PdfPTable(new float[] {0.4f, 4.2f, 1.6f, 1.4f, 1.3f});
        lines.setWidthPercentage(100);
        lines.setHeaderRows(1);
        for (String h : List.of("#", "Description", "Tokens", "Unit price / 1M", "Amount")) {
            PdfPCell c = new PdfPCell(new Phrase(h, bold));
            c.setBackgroundColor(new Color(230, 230, 230));
            c.setHorizontalAlignment(h.equals("Description") ? Element.ALIGN_LEFT : Element.ALIGN_RIGHT);
            lines.addCell(c);
        }
        for (InvoiceLine l : i.lines()) {
            lines.addCell(right(String.valueOf(l.lineNo()), normal));
            lines.addCell(new PdfPCell(InvoiceFonts.phrase(describe(l), normal)));
            lines.addCell(right(grouped(l.quantityTokens()), normal));
            lines.addCell(right(l.unitPricePerMtok().toPlainString(), normal));
            lines.addCell(right(l.amount().toPlainString(), normal));
        }
        if (i.lines().isEmpty()) {
            PdfPCell none = new PdfPCell(new Phrase("No billable usage in this period.", normal));
            none.setColspan(5);
            lines.addCell(none);
        }
        doc.add(lines);

        PdfPTable totals = new PdfPTable(new float[] {6f, 2f, 1.3f});
        totals.setWidthPercentage(100);
        totalRow(totals, "Subtotal", "", i.subtotal(), i.currency(), normal);
        totalRow(
                totals,
                "Discount",
                i.discountPercent().stripTrailingZeros().toPlainString() + " %",
                i.discountAmount().negate(),
                i.currency(),
                normal);
        totalRow(
                totals,
                "Tax",
                i.taxRatePercent().stripTrailingZeros().toPlainString() + " %",
                i.taxAmount(),
                i.currency(),
                normal);
        totalRow(totals, "Total " + i.currency(), "", i.total(), i.currency(), bold);
        doc.add(totals);
        doc.add(new Paragraph(" "));
        doc.add(new Paragraph(
                "Prices per one million tokens. Each line is the exact product of tokens and unit price, rounded once"
                        + " half-up to the currency's minor unit; discount and tax are computed on the rounded"
                        + " subtotal and rounded the same way. Adjustment lines bill usage of an earlier period that"
                        + " was recorded after that period's invoice was issued. Payment due within "
                        + issuer.paymentTermDays() + " days of the issue date.",
                small));
        doc.close();
        return out.toByteArray();
    }

    private static String documentName(Invoice i) {
        return i.kind() == InvoiceKind.CREDIT_NOTE ? "Credit note" : "Invoice";
    }

    private static String describe(InvoiceLine l) {
        String cls = switch (l.tokenClass()) {
            case CACHE_HIT -> "input, cache hit";
            case CACHE_MISS -> "input, cache miss";
            case OUTPUT -> "output";
        };
        String window =
                l.window() == PriceWindow.STANDARD ? "" : l.window() == PriceWindow.PEAK ? ", peak" : ", off-peak";
        String s = l.model() + " - " + cls + window + " (price version " + l.priceVersionId() + ")";
        if (l.kind() == LineKind.ADJUSTMENT) {
            s += " - late usage of " + l.servicePeriodStart() + " to "
                    + l.servicePeriodEnd().minusDays(1);
        }
        return s;
    }

    private static void metaRow(PdfPTable t, String k1, String v1, String k2, String v2, Font bold, Font normal) {
        for (String[] kv : new String[][] {{k1, v1}, {k2, v2}}) {
            PdfPCell k = new PdfPCell(new Phrase(kv[0], bold));
            k.setBorder(0);
            t.addCell(k);
            PdfPCell v = new PdfPCell(InvoiceFonts.phrase(kv[1], normal));
            v.setBorder(0);
            t.addCell(v);
        }
    }

    private static void totalRow(PdfPTable t, String label, String rate, BigDecimal amount, String currency, Font f) {
        PdfPCell l = new PdfPCell(new Phrase(label, f));
        l.setBorder(0);
        l.setHorizontalAlignment(Element.ALIGN_RIGHT);
        t.addCell(l);
        PdfPCell r = new PdfPCell(new Phrase(rate, f));
        r.setBorder(0);
        r.setHorizontalAlignment(Element.ALIGN_RIGHT);
        t.addCell(r);
        PdfPCell a = new PdfPCell(new Phrase(amount.toPlainString(), f));
        a.setBorder(0);
        a.setHorizontalAlignment(Element.ALIGN_RIGHT);
        t.addCell(a);
    }

    private static PdfPCell right(String s, Font f) {
        PdfPCell c = new PdfPCell(new Phrase(s, f));
        c.setHorizontalAlignment(Element.ALIGN_RIGHT);
        return c;
    }

    private static String text(Object o) {
        return o == null ? "-" : o.toString();
    }

    private static String grouped(long n) {
        return new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(n);
    }
}
