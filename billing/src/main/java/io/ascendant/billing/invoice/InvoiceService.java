package io.ascendant.billing.invoice;

import io.ascendant.billing.BillingConfig;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.account.BillingAccount;
import io.ascendant.billing.pricebook.PriceBookService;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Invoices: drafting (per tenant, or for every tenant at once from the daily rollups), finalisation with gap-free
 * numbers, voiding with a credit note.
 *
 * <p>Concurrency: every operation on a tenant's invoices first locks the tenant's {@code billing_account} row
 * ({@code FOR UPDATE}), so drafting, finalising and voiding of one tenant are serialised; numbers come from {@code
 * invoice_number_counter} in the finalising transaction, so concurrent finalisations of different tenants queue on
 * the counter row and a rolled-back finalisation gives its number back: numbers are gap-free.
 */
@ApplicationScoped
public class InvoiceService {

    /** Tenants drafted per transaction by {@link #draftAll(YearMonth)}. */
    static final int DRAFT_CHUNK = 250;

    private final DataSource dataSource;
    private final PriceBookService prices;
    private final BillingConfig config;
    private final Clock clock;
    private final InvoiceDrafter drafter;

    @Inject
    public InvoiceService(DataSource dataSource, PriceBookService prices, BillingConfig config) {
        this(dataSource, prices, config, Clock.systemUTC());
    }

    /**
     * With the clock that says what "now" is: which months have started and ended (drafting, finalising) and the
     * times stamped on invoices. The application uses the system clock; tests that bill a month that has not started
     * yet (price overrides only start in the future) use a clock standing after it.
     */
    public InvoiceService(DataSource dataSource, PriceBookService prices, BillingConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.prices = prices;
        this.config = config;
        this.clock = clock;
        this.drafter = new InvoiceDrafter(
                prices::current, prices::reload, config.invoice().lateUsageLookbackMonths(), clock);
    }

    /** Result of {@link #draftAll(YearMonth)}. */
    public record DraftRun(YearMonth period, int tenants, int drafted, int skippedFinalized, int lines) {}

    /** Result of voiding: the voided invoice and its credit note. */
    public record VoidResult(Invoice voided, Invoice creditNote) {}

    /**
     * Result of {@link #drafted(UUID, YearMonth)}: the draft, and whether it was created now ({@code false}: the
     * month's existing draft was recomputed).
     */
    public record Drafted(Invoice invoice, boolean created) {}

    /**
     * Drafts (or recomputes the draft of) the tenant's invoice for a calendar month of its time zone.
     *
     * @throws BillingException.NotFound without a billing account
     * @throws BillingException.Invalid naming {@code period} when the month ended before the billing account was
     *     opened (the message names the first month that can be invoiced), or when it has not started yet in the
     *     tenant's time zone
     * @throws BillingException.Conflict when that month's invoice is already finalised (late usage goes onto the
     *     next invoice as an adjustment)
     */
    @Transactional
    public Invoice draft(UUID tenantId, YearMonth period) {
        return drafted(tenantId, period).invoice();
    }

    /**
     * Like {@link #draft(UUID, YearMonth)}, and says whether the draft was created or an existing one recomputed.
     *
     * @throws BillingException as {@link #draft(UUID, YearMonth)}
     */
    @Transactional
    public Drafted drafted(UUID tenantId, YearMonth period) {
        try (Connection c = dataSource.getConnection()) {
            BillingAccount a = InvoiceDrafter.lockAccounts(c, new UUID[] {tenantId}).stream()
                    .findFirst()
                    .orElseThrow(() -> noAccount(tenantId));
            requireOpenIn(a, period);
            requireStarted(a, period, clock.instant());
            Optional<Invoice> live = InvoiceQueries.findLive(c, tenantId, period.atDay(1));
            if (live.isPresent() && live.get().status() == InvoiceStatus.FINALIZED) {
                throw new BillingException.Conflict("invoice " + live.get().number() + " for " + period
                        + " is finalized; later usage is billed on the next invoice as an adjustment");
            }
            Invoice d = drafter.compute(
                            c,
                            List.of(a),
                            period,
                            live.map(i -> Map.of(tenantId, i)).orElse(Map.of()))
                    .getFirst();
            save(c, d, live.isPresent());
            return new Drafted(InvoiceQueries.find(c, d.id()).orElseThrow(), live.isEmpty());
        } catch (SQLException e) {
            throw dbFailure("drafting", e);
        }
    }

    /**
     * Refuses a month that ended before the tenant's billing account was opened: its invoice could only be empty,
     * and a finalised one would take a number and show the tenant a bill for a time it was no customer.
     */
    private static void requireOpenIn(BillingAccount a, YearMonth period) {
        if (a.endedBeforeOpening(period)) {
            throw new BillingException.Invalid(
                    "period",
                    "period " + period + " ended before the tenant's billing account was opened on "
                            + a.createdAt().atZone(a.timeZone()).toLocalDate() + " (" + a.timeZone()
                            + "); the first period that can be invoiced is " + a.firstInvoicePeriod());
        }
    }

    /**
     * Refuses a month that has not started in the tenant's time zone: its draft could only be empty, and a finalised
     * one would take a number and bill usage that has not happened. The current month may be drafted (a preview).
     */
    private static void requireStarted(BillingAccount a, YearMonth period, Instant now) {
        YearMonth current = YearMonth.from(now.atZone(a.timeZone()));
        if (period.isAfter(current)) {
            throw new BillingException.Invalid(
                    "period",
                    "period " + period + " has not started in the tenant's time zone (" + a.timeZone()
                            + ", where it is " + current + "); the latest period that can be drafted is " + current);
        }
    }

    /**
     * Drafts or recomputes the invoices of every tenant for a month, from the daily rollups, in transactions of
     * {@value #DRAFT_CHUNK} tenants. Finalised invoices are left alone, and so are tenants whose billing account was
     * opened after the month ended or in whose time zone it has not started (counted in {@link DraftRun#tenants()},
     * not drafted).
     *
     * @throws BillingException.Invalid naming {@code period} when the month has not started in any time zone
     */
    public DraftRun draftAll(YearMonth period) {
        // The earliest zone (UTC+14) starts a month first: a month that has not started there has started nowhere.
        YearMonth earliest = YearMonth.from(clock.instant().atOffset(ZoneOffset.MAX));
        if (period.isAfter(earliest)) {
            throw new BillingException.Invalid(
                    "period",
                    "period " + period + " has not started in any tenant's time zone; the latest period that can be"
                            + " drafted is " + earliest + " (for tenants in zones where it has started)");
        }
        List<UUID> tenants = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tenant_id FROM billing_account ORDER BY tenant_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tenants.add(rs.getObject(1, UUID.class));
            }
        } catch (SQLException e) {
            throw dbFailure("drafting", e);
        }
        int drafted = 0;
        int skipped = 0;
        int lines = 0;
        for (int i = 0; i < tenants.size(); i += DRAFT_CHUNK) {
            UUID[] chunk = tenants.subList(i, Math.min(tenants.size(), i + DRAFT_CHUNK))
                    .toArray(UUID[]::new);
            InvoiceDrafter.ChunkResult r = QuarkusTransaction.requiringNew().call(() -> {
                try (Connection c = dataSource.getConnection()) {
                    return drafter.draftChunk(c, chunk, period, false);
                }
            });
            drafted += r.drafted();
            skipped += r.skippedFinalized();
            lines += r.lines();
        }
        return new DraftRun(period, tenants.size(), drafted, skipped, lines);
    }

    /**
     * Drafts the month that has just closed in each tenant's time zone, for tenants that have no invoice for it yet.
     * Called by the scheduled job; returns how many drafts it created.
     */
    public int draftClosedPeriods() {
        Map<YearMonth, List<UUID>> due = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT a.tenant_id, a.time_zone FROM billing_account a");
                ResultSet rs = ps.executeQuery()) {
            Instant now = clock.instant();
            while (rs.next()) {
                YearMonth closed =
                        YearMonth.from(now.atZone(ZoneId.of(rs.getString(2)))).minusMonths(1);
                due.computeIfAbsent(closed, k -> new ArrayList<>()).add(rs.getObject(1, UUID.class));
            }
        } catch (SQLException e) {
            throw dbFailure("drafting", e);
        }
        int created = 0;
        for (Map.Entry<YearMonth, List<UUID>> e : due.entrySet()) {
            List<UUID> ts = e.getValue();
            for (int i = 0; i < ts.size(); i += DRAFT_CHUNK) {
                UUID[] chunk =
                        ts.subList(i, Math.min(ts.size(), i + DRAFT_CHUNK)).toArray(UUID[]::new);
                created += QuarkusTransaction.requiringNew().call(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        return drafter.draftChunk(c, chunk, e.getKey(), true).drafted();
                    }
                });
            }
        }
        return created;
    }

    /**
     * Finalises a draft: recomputes it from the current rollups, assigns the next gap-free number of the issue
     * year ({@code INV-2026-000123}), sets issue and due dates (tenant's local date). The period must have ended in
     * the tenant's zone.
     *
     * @throws BillingException.NotFound for an unknown id
     * @throws BillingException.Invalid naming {@code period} for a draft of a month that ended before the billing
     *     account was opened (drafted before such drafts were refused)
     * @throws BillingException.Conflict when it is not a draft or its month has not ended yet
     */
    @Transactional
    public Invoice finalizeInvoice(UUID invoiceId) {
        try (Connection c = dataSource.getConnection()) {
            Invoice i = InvoiceQueries.find(c, invoiceId).orElseThrow(() -> noInvoice(invoiceId));
            BillingAccount a =
                    InvoiceDrafter.lockAccounts(c, new UUID[] {i.tenantId()}).getFirst();
            i = InvoiceQueries.find(c, invoiceId).orElseThrow(() -> noInvoice(invoiceId)); // re-read under lock
            if (i.kind() != InvoiceKind.INVOICE || i.status() != InvoiceStatus.DRAFT) {
                throw new BillingException.Conflict(
                        "only draft invoices can be finalized; " + describe(i) + " is " + i.status());
            }
            Instant now = clock.instant();
            LocalDate today = now.atZone(a.timeZone()).toLocalDate();
            if (today.isBefore(i.periodEnd())) {
                throw new BillingException.Conflict("the period of this invoice ends on " + i.periodEnd() + " ("
                        + a.timeZone() + "); it can be finalized from then on");
            }
            YearMonth period = YearMonth.from(i.periodStart());
            requireOpenIn(a, period);
            Invoice recomputed = drafter.compute(c, List.of(a), period, Map.of(a.tenantId(), i))
                    .getFirst();
            InvoiceRepository.replaceDraft(c, recomputed);
            long seq = InvoiceRepository.nextNumber(c, config.invoice().numberPrefix(), today.getYear());
            String number = formatNumber(config.invoice().numberPrefix(), today.getYear(), seq);
            InvoiceRepository.markFinalized(
                    c, invoiceId, number, today, today.plusDays(config.invoice().paymentTermDays()), now);
            Log.infof("invoice %s finalized as %s for tenant %s", invoiceId, number, a.tenantId());
            return InvoiceQueries.find(c, invoiceId).orElseThrow();
        } catch (SQLException e) {
            throw dbFailure("finalizing", e);
        }
    }

    /**
     * Voids a finalised invoice and issues its credit note (number {@code CN-2026-000001}, negated lines and
     * totals). A voided month can be drafted and finalised again.
     *
     * @throws BillingException.Invalid without a reason
     * @throws BillingException.Conflict when the invoice is not finalised
     */
    @Transactional
    public VoidResult voidInvoice(UUID invoiceId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new BillingException.Invalid("reason", "a void reason of 1..500 characters is required");
        }
        try (Connection c = dataSource.getConnection()) {
            Invoice i = InvoiceQueries.find(c, invoiceId).orElseThrow(() -> noInvoice(invoiceId));
            BillingAccount a =
                    InvoiceDrafter.lockAccounts(c, new UUID[] {i.tenantId()}).getFirst();
            i = InvoiceQueries.find(c, invoiceId).orElseThrow(() -> noInvoice(invoiceId));
            if (i.kind() != InvoiceKind.INVOICE || i.status() != InvoiceStatus.FINALIZED) {
                throw new BillingException.Conflict(
                        "only finalized invoices can be voided; " + describe(i) + " is " + i.status());
            }
            Instant now = clock.instant();
            LocalDate today = now.atZone(a.timeZone()).toLocalDate();
            InvoiceRepository.markVoid(c, invoiceId, reason.strip(), now);
            String prefix = config.invoice().creditNotePrefix();
            String number =
                    formatNumber(prefix, today.getYear(), InvoiceRepository.nextNumber(c, prefix, today.getYear()));
            Invoice credit = new Invoice(
                    UUID.randomUUID(),
                    i.tenantId(),
                    InvoiceKind.CREDIT_NOTE,
                    InvoiceStatus.FINALIZED,
                    number,
                    i.periodStart(),
                    i.periodEnd(),
                    i.timeZone(),
                    i.currency(),
                    i.billToName(),
                    i.subtotal().negate(),
                    i.discountPercent(),
                    i.discountAmount().negate(),
                    i.taxRatePercent(),
                    i.taxAmount().negate(),
                    i.total().negate(),
                    today,
                    today,
                    i.id(),
                    "credit note for " + i.number() + ": " + reason.strip(),
                    now,
                    now,
                    null,
                    InvoiceCalculator.negate(i.lines()));
            InvoiceRepository.insert(c, credit);
            Log.infof("invoice %s voided with credit note %s for tenant %s", i.number(), number, a.tenantId());
            return new VoidResult(
                    InvoiceQueries.find(c, invoiceId).orElseThrow(),
                    InvoiceQueries.find(c, credit.id()).orElseThrow());
        } catch (SQLException e) {
            throw dbFailure("voiding", e);
        }
    }

    /** One invoice or credit note with its lines. */
    public Optional<Invoice> find(UUID id) {
        try (Connection c = dataSource.getConnection()) {
            return InvoiceQueries.find(c, id);
        } catch (SQLException e) {
            throw dbFailure("reading", e);
        }
    }

    /** Largest page of {@link #list} and {@link #listIssued}; the APIs refuse a larger one. */
    public static final int MAX_LIST = 1000;

    /**
     * Invoice headers (without lines), optionally of one tenant and/or status, newest period first.
     *
     * @param limit 1 to {@value #MAX_LIST}
     */
    public List<Invoice> list(UUID tenantId, InvoiceStatus status, int limit) {
        checkLimit(limit);
        try (Connection c = dataSource.getConnection()) {
            return InvoiceQueries.list(c, tenantId, status, null, false, limit);
        } catch (SQLException e) {
            throw dbFailure("listing", e);
        }
    }

    /**
     * A tenant's invoice and credit-note headers that are not drafts (what the tenant sees), newest period first.
     *
     * @param period only those whose period starts in this month, or null for all
     * @param limit 1 to {@value #MAX_LIST}
     */
    public List<Invoice> listIssued(UUID tenantId, YearMonth period, int limit) {
        checkLimit(limit);
        try (Connection c = dataSource.getConnection()) {
            return InvoiceQueries.list(c, tenantId, null, period, true, limit);
        } catch (SQLException e) {
            throw dbFailure("listing", e);
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIST + ", was " + limit);
        }
    }

    /** {@code PREFIX-YYYY-NNNNNN}. */
    static String formatNumber(String prefix, int year, long seq) {
        return String.format("%s-%d-%06d", prefix, year, seq);
    }

    private void save(Connection c, Invoice d, boolean exists) throws SQLException {
        if (exists) {
            InvoiceRepository.replaceDraft(c, d);
        } else {
            InvoiceRepository.insert(c, d);
        }
    }

    private static String describe(Invoice i) {
        return i.number() == null ? "invoice " + i.id() : i.number();
    }

    private static BillingException noAccount(UUID tenantId) {
        return new BillingException.NotFound("tenant " + tenantId + " has no billing account");
    }

    private static BillingException noInvoice(UUID id) {
        return new BillingException.NotFound("invoice " + id + " does not exist");
    }

    private static IllegalStateException dbFailure(String what, SQLException e) {
        return new IllegalStateException("database error while " + what + " invoices: SQLState " + e.getSQLState(), e);
    }
}
