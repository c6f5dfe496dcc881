package io.ascendant.gateway.api;

import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.error.GatewayException;
import io.quarkus.arc.ClientProxy;
import io.vertx.core.Context;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Refuses, before admission and dispatch, a request that the ledger could not price: no price-book version of the
 * route's price tier in the tenant's currency is in force at the request's start (the tenant's own override or a list
 * price; {@link PriceBook#find}, the same lookup the ledger rates the usage row with). Such a request would be served
 * for free: its row recorded {@code UNPRICED} at 0 and never invoiced. The answer is a 403 {@code model_not_priced}
 * ({@code permission_error}): the key is valid but its account may not use the model until an administrator adds a
 * price; SDKs do not retry a 403, and waiting would not help (a price starts only when an administrator adds one).
 *
 * <p>Cost on the hot path: two hash look-ups in the cached price-book snapshot. Only when the snapshot is older than
 * {@code billing.price-book.refresh-interval} (an idle gateway) is it reloaded, on a worker thread. Tenants listed in
 * {@code gateway.metering.serve-unpriced-tenants} are served anyway (internal tenants that are never invoiced).
 */
@ApplicationScoped
class PriceInForce {

    @Inject
    PriceBookService priceBook;

    @Inject
    DataPathConfig config;

    private Set<UUID> servedUnpriced;

    @PostConstruct
    void init() {
        priceBook = ClientProxy.unwrap(priceBook);
        Set<UUID> ids = new HashSet<>();
        for (String id : config.metering().serveUnpricedTenants().orElse(Set.of())) {
            try {
                ids.add(UUID.fromString(id.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("gateway.metering.serve-unpriced-tenants: '" + id
                        + "' is not a tenant id (a UUID, as the admin API shows it)");
            }
        }
        servedUnpriced = Set.copyOf(ids);
    }

    /**
     * Checks {@link RequestState#prepared}'s price tier for the caller, then runs {@code priced}: here when the cached
     * snapshot is fresh or {@code ctx} is null, else after a reload on a worker thread (back on {@code ctx}).
     *
     * @param refused gets the {@link GatewayException.PermissionDenied} of an unpriced model, or a reload failure
     *     (on {@code ctx})
     */
    void check(RequestState st, Context ctx, Runnable priced, Consumer<RuntimeException> refused) {
        if (servedUnpriced.contains(st.caller.tenantId())) {
            priced.run();
            return;
        }
        PriceBook book = priceBook.currentIfFresh().orElse(null);
        if (book != null || ctx == null) {
            require(book != null ? book : priceBook.current(), st);
            priced.run();
            return;
        }
        ctx.<PriceBook>executeBlocking(priceBook::current, false)
                .onComplete(ar -> RequestContexts.onContext(ctx, () -> {
                    try {
                        if (ar.failed()) {
                            throw ar.cause() instanceof RuntimeException r ? r : new IllegalStateException(ar.cause());
                        }
                        require(ar.result(), st);
                        priced.run();
                    } catch (RuntimeException e) {
                        refused.accept(e);
                    }
                }));
    }

    /** Throws the refusal when no version prices the request's tier in the caller's currency at its start. */
    private static void require(PriceBook book, RequestState st) {
        TenantCaller caller = st.caller;
        String tier = st.prepared.route().priceTier();
        Instant at = st.startedAt;
        if (book.find(caller.tenantId(), tier, caller.currency(), at).isPresent()) {
            return;
        }
        throw unpriced(book, st.prepared.route().publicName(), tier, caller, at);
    }

    private static GatewayException.PermissionDenied unpriced(
            PriceBook book, String model, String tier, TenantCaller caller, Instant at) {
        StringBuilder m = new StringBuilder("Model ")
                .append(model)
                .append(" has no price in ")
                .append(caller.currency())
                .append(" in force for your account");
        book.nextStart(caller.tenantId(), tier, caller.currency(), at)
                .ifPresent(
                        start -> m.append(" (a price starts at ").append(start).append(')'));
        m.append("; ask your administrator to add one.");
        return new GatewayException.PermissionDenied(m.toString(), "model_not_priced");
    }
}
