package io.ascendant.billing.pricebook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable snapshot of all price-book versions, answering "which version prices this usage".
 *
 * <p>Resolution for (tenant, model, currency, instant): the tenant's own override versions win when one has started
 * by then (the latest started one); otherwise the latest started list-price version. A tenant override therefore
 * stays in force across later list-price changes until the tenant gets a newer override. Thread-safe.
 */
public final class PriceBook {

    private record Key(UUID tenantId, String model, String currency) {}

    private static final Comparator<PriceVersion> BY_START = Comparator.comparing(PriceVersion::effectiveFrom);

    private final Map<Key, List<PriceVersion>> byKey;
    private final Map<Long, PriceVersion> byId;
    private final List<PriceVersion> all;

    /** Builds a snapshot from versions in any order. */
    public PriceBook(List<PriceVersion> versions) {
        Map<Key, List<PriceVersion>> m = new HashMap<>();
        Map<Long, PriceVersion> ids = new HashMap<>();
        for (PriceVersion v : versions) {
            m.computeIfAbsent(new Key(v.tenantId(), v.model(), v.currency()), k -> new ArrayList<>())
                    .add(v);
            ids.put(v.id(), v);
        }
        m.replaceAll((k, l) -> l.stream().sorted(BY_START).toList());
        this.byKey = Map.copyOf(m);
        this.byId = Map.copyOf(ids);
        this.all = versions.stream()
                .sorted(Comparator.comparing(PriceVersion::model)
                        .thenComparing(PriceVersion::currency)
                        .thenComparing(BY_START))
                .toList();
    }

    /** The version that prices usage of {@code model} in {@code currency} for {@code tenantId} finished at {@code at}. */
    public Optional<PriceVersion> find(UUID tenantId, String model, String currency, Instant at) {
        if (tenantId != null) {
            Optional<PriceVersion> own = latestStarted(byKey.get(new Key(tenantId, model, currency)), at);
            if (own.isPresent()) {
                return own;
            }
        }
        return latestStarted(byKey.get(new Key(null, model, currency)), at);
    }

    /**
     * When the first version that would price {@code model} in {@code currency} for {@code tenantId} starts after
     * {@code at} (its own or a list price); empty when none is scheduled. Used to tell a refused caller when a price
     * will be in force; not on the hot path.
     */
    public Optional<Instant> nextStart(UUID tenantId, String model, String currency, Instant at) {
        Instant next = null;
        for (UUID owner : tenantId == null
                ? java.util.Collections.<UUID>singletonList(null)
                : java.util.Arrays.asList(tenantId, null)) {
            List<PriceVersion> sorted = byKey.get(new Key(owner, model, currency));
            if (sorted == null) {
                continue;
            }
            for (PriceVersion v : sorted) {
                if (v.effectiveFrom().isAfter(at)) {
                    if (next == null || v.effectiveFrom().isBefore(next)) {
                        next = v.effectiveFrom();
                    }
                    break;
                }
            }
        }
        return Optional.ofNullable(next);
    }

    private static Optional<PriceVersion> latestStarted(List<PriceVersion> sorted, Instant at) {
        if (sorted == null) {
            return Optional.empty();
        }
        PriceVersion found = null;
        for (PriceVersion v : sorted) {
            if (v.effectiveFrom().isAfter(at)) {
                break;
            }
            found = v;
        }
        return Optional.ofNullable(found);
    }

    /**
     * The currencies in which the list prices (versions without a tenant) price usage, in alphabetical order: a tenant
     * billed in another currency has its usage recorded {@code UNPRICED}. Versions that start in the future count
     * (their currency is priced from their start).
     */
    public java.util.SortedSet<String> listCurrencies() {
        java.util.SortedSet<String> currencies = new java.util.TreeSet<>();
        for (Key k : byKey.keySet()) {
            if (k.tenantId() == null) {
                currencies.add(k.currency());
            }
        }
        return java.util.Collections.unmodifiableSortedSet(currencies);
    }

    /** A version by id. */
    public Optional<PriceVersion> byId(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** All versions, ordered by model, currency and start. */
    public List<PriceVersion> all() {
        return all;
    }
}
