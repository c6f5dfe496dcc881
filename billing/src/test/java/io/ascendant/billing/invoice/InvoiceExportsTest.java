package io.ascendant.billing.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.pricebook.Fixtures;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.TokenClass;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openpdf.text.pdf.PdfReader;
import org.openpdf.text.pdf.parser.PdfTextExtractor;

class InvoiceExportsTest {

    private final InvoiceExports exports =
            new InvoiceExports(new InvoiceExports.Issuer("Ascendant GmbH", "Street 1|10115 Berlin", "DE123456789", 30));

    private Invoice invoice() {
        return invoice("=Acme, \"Labs\"");
    }

    private Invoice invoice(String billTo) {
        LocalDate aug = LocalDate.parse("2026-08-01");
        List<InvoiceLine> lines = InvoiceCalculator.lines(
                List.of(
                        new InvoiceCalculator.Quantity(
                                LineKind.USAGE,
                                aug,
                                aug.plusMonths(1),
                                "deepseek-v4-pro",
                                7,
                                PriceWindow.PEAK,
                                TokenClass.OUTPUT,
                                123_456_789),
                        new InvoiceCalculator.Quantity(
                                LineKind.ADJUSTMENT,
                                aug.minusMonths(1),
                                aug,
                                "deepseek-v4-pro",
                                6,
                                PriceWindow.STANDARD,
                                TokenClass.CACHE_MISS,
                                1_000_000)),
                Fixtures.book(),
                "USD");
        InvoiceCalculator.Totals t = InvoiceCalculator.totals(lines, new BigDecimal("5"), new BigDecimal("19"), "USD");
        return new Invoice(
                UUID.randomUUID(),
                UUID.randomUUID(),
                InvoiceKind.INVOICE,
                InvoiceStatus.FINALIZED,
                "INV-2026-000123",
                aug,
                aug.plusMonths(1),
                "Europe/Berlin",
                "USD",
                billTo,
                t.subtotal(),
                new BigDecimal("5"),
                t.discountAmount(),
                new BigDecimal("19"),
                t.taxAmount(),
                t.total(),
                LocalDate.parse("2026-09-01"),
                LocalDate.parse("2026-10-01"),
                null,
                null,
                Instant.now(),
                Instant.now(),
                null,
                lines);
    }

    @Test
    void pdfCarriesIssuerTenantPeriodLinesAndTotals() throws Exception {
        Invoice i = invoice();
        byte[] pdf = exports.pdf(i);
        assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-");
        PdfReader reader = new PdfReader(pdf);
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        assertThat(text)
                .contains("INVOICE")
                .contains("Ascendant GmbH")
                .contains("DE123456789")
                .contains("INV-2026-000123")
                .contains("2026-08-01 to 2026-08-31")
                .contains("Europe/Berlin")
                .contains("488.89")
                .contains("late usage of 2026-07-01 to 2026-07-31")
                .contains(i.subtotal().toPlainString())
                .contains(i.taxAmount().toPlainString())
                .contains(i.total().toPlainString());
    }

    @Test
    void pdfEmbedsChineseTenantAndIssuerNamesAsExtractableText() throws Exception {
        InvoiceExports chinese = new InvoiceExports(
                new InvoiceExports.Issuer("阿森丹特（上海）科技有限公司", "上海市浦东新区世纪大道 100 号|200120", "91310000MA1K000000", 30));
        byte[] pdf = chinese.pdf(invoice("深度求索测试"));

        String text = new PdfTextExtractor(new PdfReader(pdf)).getTextFromPage(1);
        assertThat(text)
                .contains("深度求索测试")
                .contains("阿森丹特（上海）科技有限公司")
                .contains("上海市浦东新区世纪大道 100 号")
                .contains("INV-2026-000123")
                .contains("488.89");
        // The glyphs travel with the document (an embedded TrueType subset), not left to the reader's fonts.
        String raw = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(raw).contains("/FontFile2").contains("NotoSansSC");
        assertThat(pdf.length).isLessThan(300_000);
    }

    @Test
    void latinOnlyPdfEmbedsNoFont() throws Exception {
        String raw = new String(exports.pdf(invoice("Acme Labs")), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("/FontFile2");
    }

    @Test
    void csvHasOneRowPerLineAndEscapesText() {
        Invoice i = invoice();
        String[] rows = exports.csv(i).split("\r\n");
        assertThat(rows).hasSize(3);
        assertThat(rows[0]).isEqualTo(InvoiceExports.LINE_CSV_HEADER);
        assertThat(rows[1]).startsWith("INV-2026-000123,").endsWith(",123456789,3.96,488.88888444,488.89");
        String list = exports.csvList(List.of(i));
        // A leading '=' is neutralised and a comma or quote forces quoting.
        assertThat(list).contains(",\"'=Acme, \"\"Labs\"\"\",");
    }
}
