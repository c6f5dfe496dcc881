package io.ascendant.billing.pricebook;

import io.ascendant.billing.BillingConfig;
import io.ascendant.billing.BillingException;
import io.ascendant.billing.rating.Money;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The price book as a bean: a cached {@link PriceBook} snapshot (reloaded every {@code
 * billing.price-book.refresh-interval}, and at once after a local insert) and the only way to add versions.
 *
 * <p>Versions are append-only and never retroactive: a new one must start at least twice the refresh interval in the
 * future, so every instance has loaded it before it applies and no usage is ever rated with a version that did not
 * exist when it was rated.
 */
@ApplicationScoped
public class PriceBookService {

    private final DataSource dataSource;
    private final BillingConfig config;
    private final Clock clock;
    private volatile PriceBook current;
    private volatile long loadedAtNanos;

    @Inject
    public PriceBookService(DataSource dataSource, BillingConfig config) {
        this(dataSource, config, Clock.systemUTC());
    }

    PriceBookService(DataSource dataSource, BillingConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
    }

    /** The current snapshot (reloaded when older than the refresh interval). */
    public PriceBook current() {
        PriceBook b = current;
        if (b == null
                || System.nanoTime() - loadedAtNanos
                        > config.priceBook().refreshInterval().toNanos()) {
            b = reload();
        }
        return b;
    }

    /** The snapshot if loaded and younger than the refresh interval (never touches the database), else empty. */
    public Optional<PriceBook> currentIfFresh() {
        PriceBook b = current;
        if (b == null
                || System.nanoTime() - loadedAtNanos
                        > config.priceBook().refreshInterval().toNanos()) {
            return Optional.empty();
        }
        return Optional.of(b);
    }

    /** Reloads the snapshot from the database now. */
    public synchronized PriceBook reload() {
        try (Connection c = dataSource.getConnection()) {
            PriceBook b = PriceBookRepository.loadAll(c);
            current = b;
            loadedAtNanos = System.nanoTime();
            return b;
        } catch (SQLException e) {
            PriceBook stale = current;
            if (stale != null) {
                return stale;
            }
            throw new IllegalStateException("price book could not be loaded: " + e.getMessage(), e);
        }
    }

    /** All versions (list prices and overrides), ordered by model, currency and start. */
    public List<PriceVersion> list() {
        return reload().all();
    }

    /** One version by id. */
    public Optional<PriceVersion> find(long id) {
        return current().byId(id).or(() -> reload().byId(id));
    }

    /**
     * Adds a version.
     *
     * @param v the version (id ignored); prices with at most 10 decimals, currency ISO 4217
     * @param createdBy who adds it (admin user name), for the audit trail
     * @return the stored version with its id
     * @throws BillingException.Invalid for bad fields (naming {@code peak.hours} for peak ranges that overlap), a
     *     tenant override for a tenant without a billing account or (naming {@code currency}) in a currency other than
     *     the tenant's, or a start that is not far enough in the future
     * @throws BillingException.Conflict when a version of the same model, currency and scope starts at that instant
     */
    @Transactional
    public PriceVersion add(PriceVersion v, String createdBy) {
        validate(v);
        try (Connection c = dataSource.getConnection()) {
            if (v.tenantId() != null) {
                String tenantCurrency = billingCurrency(c, v.tenantId())
                        .orElseThrow(() -> new BillingException.Invalid(
                                "tenantId",
                                "tenant " + v.tenantId() + " has no billing account: create the tenant first"));
                // The ledger rates a tenant's usage in its billing currency only, so an override in another currency
                // would be stored, listed and never applied.
                if (!tenantCurrency.equals(v.currency())) {
                    throw new BillingException.Invalid(
                            "currency",
                            "currency " + v.currency() + " is not the currency of tenant " + v.tenantId() + " ("
                                    + tenantCurrency + "); a tenant override must be priced in " + tenantCurrency);
                }
            }
            PriceVersion stored = PriceBookRepository.insert(c, v, createdBy);
            return stored;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new BillingException.Conflict("a version of " + v.model() + " in " + v.currency()
                        + " for this scope already starts at " + v.effectiveFrom());
            }
            throw new IllegalStateException("price version could not be stored: " + e.getSQLState(), e);
        } finally {
            loadedAtNanos = 0; // next current() reloads
        }
    }

    /** The currency of the tenant's billing account; empty when it has none. */
    private static Optional<String> billingCurrency(Connection c, java.util.UUID tenantId) throws SQLException {
        try (java.sql.PreparedStatement ps =
                c.prepareStatement("SELECT currency FROM billing_account WHERE tenant_id = ?")) {
            ps.setObject(1, tenantId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private void validate(PriceVersion v) {
        if (v.model().isBlank() || v.model().length() > 128) {
            throw new BillingException.Invalid("model", "model must have 1..128 characters");
        }
        try {
            Money.minorDigits(v.currency());
        } catch (IllegalArgumentException e) {
            throw new BillingException.Invalid("currency", e.getMessage());
        }
        Instant earliest =
                clock.instant().plus(config.priceBook().refreshInterval().multipliedBy(2));
        if (v.effectiveFrom().isBefore(earliest)) {
            throw new BillingException.Invalid(
                    "effectiveFrom",
                    "a new version must start at or after " + earliest
                            + " (prices are never changed retroactively; twice the price-book refresh interval ahead)");
        }
        if (v.peak() != null) {
            try {
                v.peak().requireDisjoint();
            } catch (IllegalArgumentException e) {
                throw new BillingException.Invalid("peak.hours", e.getMessage());
            }
        }
        checkRates("rates", v.base());
        if (v.peakRates() != null) {
            checkRates("peak.rates", v.peakRates());
        }
    }

    /** {@code field} is the request's JSON property path of the rates ({@code rates}, {@code peak.rates}). */
    private static void checkRates(String field, Rates r) {
        for (BigDecimal p : List.of(r.cacheHit(), r.cacheMiss(), r.output())) {
            if (p.stripTrailingZeros().scale() > 10 || p.precision() - p.scale() > 10) {
                throw new BillingException.Invalid(
                        field,
                        field + ": prices per 1M tokens allow at most 10 integer digits and 10 decimals, got " + p);
            }
        }
    }
}
