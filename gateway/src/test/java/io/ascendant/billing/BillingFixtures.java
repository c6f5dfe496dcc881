package io.ascendant.billing;

import io.ascendant.billing.account.BillingAccountService;
import io.ascendant.billing.account.NewBillingAccount;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.testsupport.BillingAccountOpening;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;
import javax.sql.DataSource;

/** Billing test data: fresh billing accounts (one per test, so tests never see each other's rows) and events. */
@ApplicationScoped
public class BillingFixtures {

    public static final UUID PROJECT = UUID.fromString("00000000-0000-0000-0000-00000000b111");
    public static final UUID KEY = UUID.fromString("00000000-0000-0000-0000-00000000b222");

    @Inject
    BillingAccountService accounts;

    @Inject
    DataSource dataSource;

    /**
     * A new tenant's billing account, opened on {@link BillingAccountOpening#EARLY} so that the fixed months of 2026
     * the billing tests invoice can be invoiced.
     */
    public UUID account(String currency, String zone, String taxPercent, String discountPercent) {
        UUID tenant = UUID.randomUUID();
        accounts.create(new NewBillingAccount(
                tenant,
                "Tenant " + tenant.toString().substring(0, 8),
                currency,
                ZoneId.of(zone),
                new BigDecimal(taxPercent),
                new BigDecimal(discountPercent)));
        openedEarly(tenant);
        return tenant;
    }

    /** Moves the opening of the tenant's billing account back to {@link BillingAccountOpening#EARLY}. */
    public void openedEarly(UUID tenant) {
        try {
            BillingAccountOpening.openedAt(dataSource, tenant, BillingAccountOpening.EARLY);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A completed request of {@code model} finished at {@code finishedAt}. */
    public static UsageEvent event(
            UUID tenant, String requestId, String model, String finishedAt, long hit, long miss, long out) {
        Instant fin = Instant.parse(finishedAt);
        return new UsageEvent(
                requestId,
                tenant,
                PROJECT,
                KEY,
                model,
                "pod-0",
                hit,
                miss,
                out,
                out / 2,
                UsageStatus.COMPLETED,
                false,
                fin.minusSeconds(3),
                fin);
    }

    /** Id of the seeded list-price version of (model, currency) starting at {@code effectiveFrom}. */
    public long versionId(String model, String currency, String effectiveFrom) {
        return queryLong(
                "SELECT id FROM price_book_version WHERE model = ? AND currency = ? AND tenant_id IS NULL"
                        + " AND effective_from = ?::timestamptz",
                model,
                currency,
                effectiveFrom);
    }

    /** One number from SQL. */
    public long queryLong(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement. */
    public int exec(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    /**
     * The tenant bound to the test Keycloak organization ({@code test-tenant}), created once with its billing
     * account; billing viewers and tenant admins of the test realm belong to it.
     */
    public synchronized UUID organizationTenant(String slug) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM tenant WHERE slug = ?")) {
                ps.setString(1, slug);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        ensureAccount(id);
                        return id;
                    }
                }
            }
            UUID plan = UUID.randomUUID();
            UUID tenant = UUID.randomUUID();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO plan (id, code, name) VALUES (?, ?, ?)")) {
                ps.setObject(1, plan);
                ps.setString(2, "billing-" + tenant.toString().substring(0, 8));
                ps.setString(3, "Billing test plan");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tenant (id, slug, display_name, status,"
                    + " currency, time_zone, plan_id) VALUES (?, ?, ?, 'ACTIVE', 'USD', 'UTC', ?)"
                    + " ON CONFLICT (slug) DO NOTHING")) {
                ps.setObject(1, tenant);
                ps.setString(2, slug);
                ps.setString(3, "Test tenant");
                ps.setObject(4, plan);
                ps.executeUpdate();
            }
        }
        return organizationTenant(slug);
    }

    private void ensureAccount(UUID tenant) {
        if (accounts.find(tenant).isEmpty()) {
            try {
                exec(
                        "INSERT INTO billing_account (tenant_id, display_name, currency, time_zone) VALUES (?, ?,"
                                + " 'USD', 'UTC') ON CONFLICT (tenant_id) DO NOTHING",
                        tenant,
                        "Test tenant");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
