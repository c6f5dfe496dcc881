package io.ascendant.billing.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.invoice.InvoiceCalculator.Quantity;
import io.ascendant.billing.pricebook.Fixtures;
import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.TokenClass;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvoiceCalculatorTest {

    private static final LocalDate AUG = LocalDate.parse("2026-08-01");
    private static final LocalDate SEP = LocalDate.parse("2026-09-01");
    private final PriceBook book = Fixtures.book();

    private static Quantity q(long version, PriceWindow w, TokenClass c, long tokens) {
        return new Quantity(LineKind.USAGE, AUG, SEP, "deepseek-v4-pro", version, w, c, tokens);
    }

    /** The hand-computed fixture: every line and total checked to the cent. */
    @Test
    void handComputedAugustInvoiceIsExactToTheCent() {
        List<InvoiceLine> lines = InvoiceCalculator.lines(
                List.of(
                        q(7, PriceWindow.OFF_PEAK, TokenClass.CACHE_MISS, 10_000_000),
                        q(7, PriceWindow.PEAK, TokenClass.OUTPUT, 123_456_789),
                        q(6, PriceWindow.STANDARD, TokenClass.OUTPUT, 2_000_001),
                        q(6, PriceWindow.STANDARD, TokenClass.CACHE_MISS, 7_654_321),
                        q(6, PriceWindow.STANDARD, TokenClass.CACHE_HIT, 1_234_567),
                        q(7, PriceWindow.PEAK, TokenClass.CACHE_HIT, 0)),
                book,
                "USD");
        // Ordered by version, window, class; zero quantities dropped; numbered from 1.
        assertThat(lines).extracting(InvoiceLine::lineNo).containsExactly(1, 2, 3, 4, 5);
        assertThat(lines)
                .extracting(InvoiceLine::amountPrecise)
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(
                        new BigDecimal("0.004475305375"), // 1.234567 x 0.003625
                        new BigDecimal("3.329629635"), // 7.654321 x 0.435
                        new BigDecimal("1.74000087"), // 2.000001 x 0.87
                        new BigDecimal("488.88888444"), // 123.456789 x 3.96 peak
                        new BigDecimal("6.6")); // 10 x 0.66 off-peak
        assertThat(lines)
                .extracting(l -> l.amount().toPlainString())
                .containsExactly("0.00", "3.33", "1.74", "488.89", "6.60");
        assertThat(lines.get(3).unitPricePerMtok()).isEqualByComparingTo("3.96");

        InvoiceCalculator.Totals t = InvoiceCalculator.totals(lines, new BigDecimal("5"), new BigDecimal("19"), "USD");
        assertThat(t.subtotal().toPlainString()).isEqualTo("500.56");
        assertThat(t.discountAmount().toPlainString()).isEqualTo("25.03"); // 25.028
        assertThat(t.taxAmount().toPlainString()).isEqualTo("90.35"); // 19 % of 475.53 = 90.3507
        assertThat(t.total().toPlainString()).isEqualTo("565.88");
    }

    @Test
    void linesRoundOnceNotPerRequest() {
        // A thousand 1-token cache hits at 0.003625/1M: per-request rounding would bill 1000 x 0.00 or 1000 x 0.01;
        // one line of 1000 tokens is 0.000003625, billed 0.00.
        List<InvoiceLine> lines =
                InvoiceCalculator.lines(List.of(q(6, PriceWindow.STANDARD, TokenClass.CACHE_HIT, 1000)), book, "USD");
        assertThat(lines.getFirst().amountPrecise()).isEqualByComparingTo("0.000003625");
        assertThat(lines.getFirst().amount().toPlainString()).isEqualTo("0.00");
    }

    @Test
    void halfCentLinesRoundUpEachAndTheSubtotalIsTheSumOfRoundedLines() {
        // Two lines of exactly half a cent (0.005) and one just below, at 1.00 per 1M tokens.
        var v = new io.ascendant.billing.pricebook.PriceVersion(
                50,
                "m",
                "USD",
                null,
                java.time.Instant.parse("2026-01-01T00:00:00Z"),
                Fixtures.rates("1", "1", "1"),
                null,
                null,
                "test");
        PriceBook b = new PriceBook(List.of(v));
        List<Quantity> qs = List.of(
                new Quantity(LineKind.USAGE, AUG, SEP, "m", 50, PriceWindow.STANDARD, TokenClass.CACHE_HIT, 5_000),
                new Quantity(LineKind.USAGE, AUG, SEP, "m", 50, PriceWindow.STANDARD, TokenClass.CACHE_MISS, 5_000),
                new Quantity(LineKind.USAGE, AUG, SEP, "m", 50, PriceWindow.STANDARD, TokenClass.OUTPUT, 4_999));
        List<InvoiceLine> lines = InvoiceCalculator.lines(qs, b, "USD");
        assertThat(lines).extracting(l -> l.amount().toPlainString()).containsExactly("0.01", "0.01", "0.00");
        InvoiceCalculator.Totals t = InvoiceCalculator.totals(lines, BigDecimal.ZERO, BigDecimal.ZERO, "USD");
        assertThat(t.subtotal().toPlainString()).isEqualTo("0.02");
        assertThat(t.total().toPlainString()).isEqualTo("0.02");
    }

    @Test
    void zeroDecimalCurrencyRoundsToWholeUnits() {
        var v = new io.ascendant.billing.pricebook.PriceVersion(
                51,
                "m",
                "JPY",
                null,
                java.time.Instant.parse("2026-01-01T00:00:00Z"),
                Fixtures.rates("20", "150", "600"),
                null,
                null,
                "test");
        List<InvoiceLine> lines = InvoiceCalculator.lines(
                List.of(new Quantity(
                        LineKind.USAGE, AUG, SEP, "m", 51, PriceWindow.STANDARD, TokenClass.OUTPUT, 2_500)),
                new PriceBook(List.of(v)),
                "JPY");
        assertThat(lines.getFirst().amountPrecise()).isEqualByComparingTo("1.5");
        assertThat(lines.getFirst().amount().toPlainString()).isEqualTo("2");
        InvoiceCalculator.Totals t = InvoiceCalculator.totals(lines, BigDecimal.ZERO, new BigDecimal("10"), "JPY");
        assertThat(t.taxAmount().toPlainString()).isEqualTo("0"); // 0.2 -> 0
        assertThat(t.total().toPlainString()).isEqualTo("2");
    }

    @Test
    void emptyInvoiceHasZeroTotalsInTheMinorUnit() {
        InvoiceCalculator.Totals t =
                InvoiceCalculator.totals(List.of(), new BigDecimal("10"), new BigDecimal("19"), "CNY");
        assertThat(t.subtotal().toPlainString()).isEqualTo("0.00");
        assertThat(t.total().toPlainString()).isEqualTo("0.00");
    }

    @Test
    void creditNoteNegatesEveryLine() {
        List<InvoiceLine> lines =
                InvoiceCalculator.lines(List.of(q(7, PriceWindow.PEAK, TokenClass.OUTPUT, 123_456_789)), book, "USD");
        List<InvoiceLine> credit = InvoiceCalculator.negate(lines);
        assertThat(credit.getFirst().kind()).isEqualTo(LineKind.CREDIT);
        assertThat(credit.getFirst().quantityTokens()).isEqualTo(-123_456_789);
        assertThat(credit.getFirst().amount().toPlainString()).isEqualTo("-488.89");
    }

    @Test
    void invoiceNumbersAreZeroPaddedPerYear() {
        assertThat(InvoiceService.formatNumber("INV", 2026, 123)).isEqualTo("INV-2026-000123");
        assertThat(InvoiceService.formatNumber("CN", 2027, 1)).isEqualTo("CN-2027-000001");
    }
}
