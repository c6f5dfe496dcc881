package io.ascendant.billing.invoice;

import io.ascendant.billing.account.BillingAccount;
import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.billing.invoice.InvoiceCalculator.Quantity;
import io.ascendant.billing.pricebook.PriceBook;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The drafting core, without CDI or transactions of its own (the caller owns the transaction on {@code c}): lock a
 * chunk of billing accounts, read their billable usage of the month from the daily rollups in two set-based queries,
 * compute and write the drafts. Used by {@link InvoiceService} and by the drafting benchmark.
 */
public final class InvoiceDrafter {

    private final Supplier<PriceBook> book;
    private final Supplier<PriceBook> reload;
    private final int lookbackMonths;
    private final Clock clock;

    /**
     * @param book the current price book
     * @param reload a freshly loaded price book (used when a version id is unknown to {@code book})
     * @param lookbackMonths months searched for late usage of finalised periods
     * @param clock drafting time
     */
    public InvoiceDrafter(Supplier<PriceBook> book, Supplier<PriceBook> reload, int lookbackMonths, Clock clock) {
        this.book = book;
        this.reload = reload;
        this.lookbackMonths = lookbackMonths;
        this.clock = clock;
    }

    /** Result of {@link #draftChunk}: drafts written, tenants skipped (finalised), lines written. */
    public record ChunkResult(int drafted, int skippedFinalized, int lines) {}

    /**
     * Drafts or recomputes the month's invoices of these tenants (those already finalised are skipped, and those
     * whose billing account was opened after the month ended, or in whose time zone the month has not started, are
     * left out altogether: no empty invoice for a month before the tenant existed or still to come).
     *
     * @param onlyMissing when true, tenants that already have a draft are left alone too (the scheduled job)
     */
    public ChunkResult draftChunk(Connection c, UUID[] tenants, YearMonth period, boolean onlyMissing)
            throws SQLException {
        Instant now = clock.instant();
        List<BillingAccount> accounts = lockAccounts(c, tenants).stream()
                .filter(a -> !a.endedBeforeOpening(period))
                .filter(a -> !period.isAfter(YearMonth.from(now.atZone(a.timeZone()))))
                .toList();
        Map<UUID, Invoice> live = liveInvoices(c, tenants, period);
        List<BillingAccount> open = accounts.stream()
                .filter(a -> live.get(a.tenantId()) == null
                        || (!onlyMissing && live.get(a.tenantId()).status() == InvoiceStatus.DRAFT))
                .toList();
        List<Invoice> drafts = compute(c, open, period, live);
        List<Invoice> fresh = new ArrayList<>();
        int lines = 0;
        for (Invoice d : drafts) {
            lines += d.lines().size();
            if (live.containsKey(d.tenantId())) {
                InvoiceRepository.replaceDraft(c, d);
            } else {
                fresh.add(d);
            }
        }
        InvoiceRepository.insertDrafts(c, fresh);
        return new ChunkResult(drafts.size(), accounts.size() - open.size(), lines);
    }

    /** The drafts (not written) of these accounts for the month; ids of {@code existing} drafts are kept. */
    List<Invoice> compute(Connection c, List<BillingAccount> accounts, YearMonth period, Map<UUID, Invoice> existing)
            throws SQLException {
        if (accounts.isEmpty()) {
            return List.of();
        }
        UUID[] ids = accounts.stream().map(BillingAccount::tenantId).toArray(UUID[]::new);
        LocalDate start = period.atDay(1);
        LocalDate end = period.plusMonths(1).atDay(1);
        LocalDate lookback = period.minusMonths(lookbackMonths).atDay(1);
        Map<UUID, List<Quantity>> usage = BillableUsage.usage(c, ids, start, end);
        Map<UUID, List<Quantity>> late = BillableUsage.lateUsage(c, ids, lookback, start);
        PriceBook prices = book.get();
        Instant now = clock.instant();
        List<Invoice> out = new ArrayList<>(accounts.size());
        for (BillingAccount a : accounts) {
            List<Quantity> qs = new ArrayList<>(usage.getOrDefault(a.tenantId(), List.of()));
            qs.addAll(late.getOrDefault(a.tenantId(), List.of()));
            List<InvoiceLine> lines;
            try {
                lines = InvoiceCalculator.lines(qs, prices, a.currency());
            } catch (IllegalStateException unknownVersion) {
                // A version added by another instance since our last refresh.
                prices = reload.get();
                lines = InvoiceCalculator.lines(qs, prices, a.currency());
            }
            InvoiceCalculator.Totals t =
                    InvoiceCalculator.totals(lines, a.discountPercent(), a.taxRatePercent(), a.currency());
            Invoice prior = existing.get(a.tenantId());
            out.add(new Invoice(
                    prior == null ? UUID.randomUUID() : prior.id(),
                    a.tenantId(),
                    InvoiceKind.INVOICE,
                    InvoiceStatus.DRAFT,
                    null,
                    start,
                    end,
                    a.timeZone().getId(),
                    a.currency(),
                    a.displayName(),
                    t.subtotal(),
                    a.discountPercent(),
                    t.discountAmount(),
                    a.taxRatePercent(),
                    t.taxAmount(),
                    t.total(),
                    null,
                    null,
                    null,
                    null,
                    now,
                    null,
                    null,
                    lines));
        }
        return out;
    }

    /** The live (draft or finalised) invoices of the month, with lines, by tenant. */
    static Map<UUID, Invoice> liveInvoices(Connection c, UUID[] tenants, YearMonth period) throws SQLException {
        Map<UUID, Invoice> out = new HashMap<>();
        for (Invoice i : InvoiceQueries.findLive(c, tenants, period.atDay(1))) {
            out.put(i.tenantId(), i);
        }
        return out;
    }

    /** Locks the accounts (ordered, so concurrent callers cannot deadlock) and returns them. */
    static List<BillingAccount> lockAccounts(Connection c, UUID[] tenants) throws SQLException {
        List<BillingAccount> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM billing_account WHERE tenant_id = ANY(?) ORDER BY tenant_id FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("uuid", tenants));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(BillingAccountService.map(rs));
                }
            }
        }
        return out;
    }
}
