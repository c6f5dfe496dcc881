package io.ascendant.billing.account;

import io.ascendant.billing.BillingException;
import io.ascendant.billing.rating.Money;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Billing accounts, one per tenant. The admin API's tenant creation calls {@link #create(NewBillingAccount)} in its
 * own transaction (this bean joins it: {@code @Transactional(REQUIRED)}), so tenant and account are created together
 * or not at all.
 */
@ApplicationScoped
public class BillingAccountService {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final DataSource dataSource;

    @Inject
    public BillingAccountService(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Creates the tenant's billing account. Idempotent: creating an identical account again returns the existing one.
     *
     * @throws BillingException.Invalid naming the field (displayName, currency, timeZone, taxRatePercent,
     *     discountPercent) when a value is missing or out of range
     * @throws BillingException.Conflict when the tenant already has a different account
     */
    @Transactional
    public BillingAccount create(NewBillingAccount a) {
        if (a == null || a.tenantId() == null) {
            throw new BillingException.Invalid("tenantId", "tenantId is required");
        }
        String name = checkName(a.displayName());
        String currency = checkCurrency(a.currency());
        ZoneId zone = checkZone(a.timeZone());
        BigDecimal tax = checkPercent("taxRatePercent", a.taxRatePercent());
        BigDecimal discount = checkPercent("discountPercent", a.discountPercent());
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO billing_account (tenant_id, display_name, currency, time_zone, tax_rate_percent,"
                            + " discount_percent) VALUES (?,?,?,?,?,?) ON CONFLICT (tenant_id) DO NOTHING")) {
                ps.setObject(1, a.tenantId());
                ps.setString(2, name);
                ps.setString(3, currency);
                ps.setString(4, zone.getId());
                ps.setBigDecimal(5, tax);
                ps.setBigDecimal(6, discount);
                ps.executeUpdate();
            }
            BillingAccount stored = find(c, a.tenantId()).orElseThrow();
            if (!stored.displayName().equals(name)
                    || !stored.currency().equals(currency)
                    || !stored.timeZone().equals(zone)
                    || stored.taxRatePercent().compareTo(tax) != 0
                    || stored.discountPercent().compareTo(discount) != 0) {
                throw new BillingException.Conflict(
                        "tenant " + a.tenantId() + " already has a different billing account");
            }
            return stored;
        } catch (SQLException e) {
            throw new IllegalStateException("billing account could not be stored: " + e.getSQLState(), e);
        }
    }

    /**
     * Changes name, time zone, tax rate or discount (null = unchanged). The currency never changes; the time zone only
     * while the tenant has neither metered usage nor an invoice ({@link #requireTimeZoneChangeable}).
     *
     * @throws BillingException.NotFound when the tenant has no account
     * @throws BillingException.Invalid naming the field for out-of-range values
     * @throws BillingException.Conflict naming {@code timeZone} when the zone would change after usage or invoices
     */
    @Transactional
    public BillingAccount update(UUID tenantId, BillingAccountChanges ch) {
        BillingAccount cur = find(tenantId)
                .orElseThrow(() -> new BillingException.NotFound("tenant " + tenantId + " has no billing account"));
        String name = ch.displayName() == null ? cur.displayName() : checkName(ch.displayName());
        ZoneId zone = ch.timeZone() == null ? cur.timeZone() : ch.timeZone();
        if (!sameRules(zone, cur.timeZone())) {
            requireTimeZoneChangeable(tenantId, cur.timeZone(), zone);
        }
        BigDecimal tax = ch.taxRatePercent() == null
                ? cur.taxRatePercent()
                : checkPercent("taxRatePercent", ch.taxRatePercent());
        BigDecimal discount = ch.discountPercent() == null
                ? cur.discountPercent()
                : checkPercent("discountPercent", ch.discountPercent());
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE billing_account SET display_name = ?, time_zone = ?,"
                        + " tax_rate_percent = ?, discount_percent = ?, updated_at = now() WHERE tenant_id = ?")) {
            ps.setString(1, name);
            ps.setString(2, zone.getId());
            ps.setBigDecimal(3, tax);
            ps.setBigDecimal(4, discount);
            ps.setObject(5, tenantId);
            ps.executeUpdate();
            return find(c, tenantId).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException("billing account could not be updated: " + e.getSQLState(), e);
        }
    }

    /**
     * Refuses to move the tenant to another time zone once it has metered usage (any {@code usage_ledger} row) or an
     * invoice (any status). Each ledger row's {@code billing_day} was fixed in the zone of its time, invoices cover
     * calendar months of that zone, budgets count its days and months, and the first month that can be invoiced is the
     * month of {@link BillingAccount#createdAt()} in the zone ({@link BillingAccount#firstInvoicePeriod()}): a new zone
     * could move that month past recorded usage (which no invoice could then take up), split a budget day in two, and
     * leave finalised months and later drafts on different calendars. Before the first usage nothing depends on the zone.
     *
     * <p>The account row is locked first ({@code FOR UPDATE}), so two changes of the same tenant serialise. A request
     * whose usage row commits while the change is in flight is the one gap: its {@code billing_day} is in the old zone.
     *
     * @param from the current zone (for the message)
     * @param to the requested zone (for the message)
     * @throws BillingException.Conflict naming {@code timeZone}, with what exists and what the admin can do instead
     */
    @Transactional
    public void requireTimeZoneChangeable(UUID tenantId, ZoneId from, ZoneId to) {
        boolean usage;
        boolean invoices;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement lock =
                    c.prepareStatement("SELECT 1 FROM billing_account WHERE tenant_id = ? FOR UPDATE")) {
                lock.setObject(1, tenantId);
                lock.executeQuery().close();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT EXISTS (SELECT 1 FROM usage_ledger WHERE tenant_id = ?),"
                            + " EXISTS (SELECT 1 FROM invoice WHERE tenant_id = ?)")) {
                ps.setObject(1, tenantId);
                ps.setObject(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    usage = rs.getBoolean(1);
                    invoices = rs.getBoolean(2);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("usage lookup failed: " + e.getSQLState(), e);
        }
        if (!usage && !invoices) {
            return;
        }
        String what = usage && invoices ? "metered usage and invoices" : usage ? "metered usage" : "invoices";
        throw new BillingException.Conflict(
                "timeZone",
                "the time zone cannot change from " + from.getId() + " to " + to.getId() + ": the tenant already has "
                        + what + ", whose usage days, budget periods and invoice months are days and months of "
                        + from.getId() + "; under " + to.getId() + " recorded usage could fall outside every invoice"
                        + " period and a budget day could count twice. Keep " + from.getId() + ", or create a new"
                        + " tenant in " + to.getId() + " for usage from now on.");
    }

    /**
     * Whether two zones have the same rules, so that every instant falls on the same local date in both: a new spelling
     * of the same zone ({@code GMT+03:00} and {@code +03:00}, {@code UTC} and {@code Etc/UTC}) moves no usage day,
     * budget period or invoice month, and stays allowed after usage.
     */
    public static boolean sameRules(ZoneId a, ZoneId b) {
        return a.equals(b) || a.getRules().equals(b.getRules());
    }

    /** The tenant's account, if any. */
    public Optional<BillingAccount> find(UUID tenantId) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, tenantId);
        } catch (SQLException e) {
            throw new IllegalStateException("billing account lookup failed: " + e.getSQLState(), e);
        }
    }

    /** All accounts, by display name. */
    public List<BillingAccount> list() {
        List<BillingAccount> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM billing_account ORDER BY display_name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("billing account listing failed: " + e.getSQLState(), e);
        }
    }

    static Optional<BillingAccount> find(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM billing_account WHERE tenant_id = ?")) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Maps a {@code billing_account} row. */
    public static BillingAccount map(ResultSet rs) throws SQLException {
        return new BillingAccount(
                rs.getObject("tenant_id", UUID.class),
                rs.getString("display_name"),
                rs.getString("currency").trim(),
                ZoneId.of(rs.getString("time_zone")),
                rs.getBigDecimal("tax_rate_percent"),
                rs.getBigDecimal("discount_percent"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static String checkName(String n) {
        if (n == null || n.isBlank() || n.length() > 200) {
            throw new BillingException.Invalid("displayName", "displayName must have 1..200 characters");
        }
        return n.strip();
    }

    private static String checkCurrency(String c) {
        if (c == null || !c.matches("[A-Z]{3}")) {
            throw new BillingException.Invalid("currency", "currency must be an ISO 4217 code such as USD or CNY");
        }
        try {
            Money.minorDigits(c);
        } catch (IllegalArgumentException e) {
            throw new BillingException.Invalid("currency", e.getMessage());
        }
        return c;
    }

    private static ZoneId checkZone(ZoneId z) {
        if (z == null) {
            throw new BillingException.Invalid("timeZone", "timeZone is required (an IANA zone such as Europe/Berlin)");
        }
        return z;
    }

    /** Parses an IANA zone id for callers that receive it as text. */
    public static ZoneId parseZone(String id) {
        try {
            return ZoneId.of(Objects.requireNonNull(id));
        } catch (DateTimeException | NullPointerException e) {
            throw new BillingException.Invalid("timeZone", "timeZone must be an IANA zone such as Europe/Berlin");
        }
    }

    private static BigDecimal checkPercent(String field, BigDecimal p) {
        if (p == null) {
            return BigDecimal.ZERO.setScale(4);
        }
        if (p.signum() < 0 || p.compareTo(HUNDRED) > 0 || p.stripTrailingZeros().scale() > 4) {
            throw new BillingException.Invalid(field, field + " must be between 0 and 100 with at most 4 decimals");
        }
        return p.setScale(4);
    }
}
