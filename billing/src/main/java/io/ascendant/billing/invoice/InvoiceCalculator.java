package io.ascendant.billing.invoice;

import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceVersion;
import io.ascendant.billing.pricebook.PriceWindow;
import io.ascendant.billing.pricebook.TokenClass;
import io.ascendant.billing.rating.Money;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pure invoice arithmetic. Lines: quantity × unit price / 10⁶ exactly, then rounded once per line to the currency's
 * minor unit ({@link Money}, HALF_UP). Totals: subtotal = Σ rounded lines; discount = subtotal × discount %, rounded;
 * tax = (subtotal − discount) × tax %, rounded; total = subtotal − discount + tax. Same rule for every currency.
 */
public final class InvoiceCalculator {

    private InvoiceCalculator() {}

    /**
     * Tokens to bill in one line.
     *
     * @param kind USAGE or ADJUSTMENT
     * @param serviceStart first local day (inclusive)
     * @param serviceEnd last local day + 1 (exclusive)
     * @param model the priced model: the price version's model (a route's price tier), not the requested name
     * @param priceVersionId version whose rate applies
     * @param window price window of the version
     * @param tokenClass token class
     * @param tokens quantity (zero lines are dropped)
     */
    public record Quantity(
            LineKind kind,
            LocalDate serviceStart,
            LocalDate serviceEnd,
            String model,
            long priceVersionId,
            PriceWindow window,
            TokenClass tokenClass,
            long tokens) {}

    /** Invoice totals; see the class comment for the formulas. */
    public record Totals(BigDecimal subtotal, BigDecimal discountAmount, BigDecimal taxAmount, BigDecimal total) {}

    private static final Comparator<Quantity> ORDER = Comparator.comparing(Quantity::kind)
            .thenComparing(Quantity::serviceStart)
            .thenComparing(Quantity::model)
            .thenComparingLong(Quantity::priceVersionId)
            .thenComparing(Quantity::window)
            .thenComparing(Quantity::tokenClass);

    /**
     * Prices and numbers the lines, in a stable order (kind, service period, model, version, window, token class).
     *
     * @throws IllegalStateException when a version id is not in the book (it never is: versions are never deleted)
     */
    public static List<InvoiceLine> lines(List<Quantity> quantities, PriceBook book, String currency) {
        List<Quantity> sorted =
                quantities.stream().filter(q -> q.tokens() != 0).sorted(ORDER).toList();
        List<InvoiceLine> out = new ArrayList<>(sorted.size());
        int no = 1;
        for (Quantity q : sorted) {
            PriceVersion v = book.byId(q.priceVersionId())
                    .orElseThrow(() -> new IllegalStateException("price version " + q.priceVersionId() + " missing"));
            BigDecimal unit = v.rates(q.window()).of(q.tokenClass());
            BigDecimal precise = Money.charge(q.tokens(), unit);
            out.add(new InvoiceLine(
                    no++,
                    q.kind(),
                    q.serviceStart(),
                    q.serviceEnd(),
                    q.model(),
                    q.tokenClass(),
                    q.priceVersionId(),
                    q.window(),
                    q.tokens(),
                    unit,
                    precise,
                    Money.round(precise, currency)));
        }
        return out;
    }

    /** Totals of rounded lines with the tenant's discount and tax. */
    public static Totals totals(
            List<InvoiceLine> lines, BigDecimal discountPercent, BigDecimal taxRatePercent, String currency) {
        BigDecimal subtotal = Money.round(BigDecimal.ZERO, currency);
        for (InvoiceLine l : lines) {
            subtotal = subtotal.add(l.amount());
        }
        BigDecimal discount = Money.percentOf(subtotal, discountPercent, currency);
        BigDecimal taxable = subtotal.subtract(discount);
        BigDecimal tax = Money.percentOf(taxable, taxRatePercent, currency);
        return new Totals(subtotal, discount, tax, taxable.add(tax));
    }

    /** The credit note's lines: every line negated, same prices, kind CREDIT. */
    public static List<InvoiceLine> negate(List<InvoiceLine> lines) {
        return lines.stream()
                .map(l -> new InvoiceLine(
                        l.lineNo(),
                        LineKind.CREDIT,
                        l.servicePeriodStart(),
                        l.servicePeriodEnd(),
                        l.model(),
                        l.tokenClass(),
                        l.priceVersionId(),
                        l.window(),
                        -l.quantityTokens(),
                        l.unitPricePerMtok(),
                        l.amountPrecise().negate(),
                        l.amount().negate()))
                .toList();
    }
}
