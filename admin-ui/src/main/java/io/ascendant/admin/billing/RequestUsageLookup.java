package io.ascendant.admin.billing;

import io.ascendant.billing.BillingException;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Finds the usage ledger rows of one request id, by the gateway's id or the client's {@code x-request-id}, for the
 * admin API. Who may see which tenant is decided before ({@link BillingReadGuard#listingTenant}): this class only
 * searches one tenant or, for a platform admin who named none, all of them.
 *
 * <p>"Not found" is the same answer whether no row has the id or only another tenant's rows do, so a tenant-bound
 * caller learns nothing about other tenants' requests.
 */
@ApplicationScoped
public class RequestUsageLookup {

    /** Newest first: by start time, ties by gateway id (descending, so the order is total and repeatable). */
    private static final Comparator<RatedUsage> NEWEST_FIRST = Comparator.comparing(
                    (RatedUsage u) -> u.event().startedAt())
            .thenComparing(RatedUsage::requestId)
            .reversed();

    private final UsageLedger ledger;

    @Inject
    public RequestUsageLookup(UsageLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * The rows whose gateway id or client id is {@code requestId}.
     *
     * @param tenantId the tenant to search, or null for every tenant (platform admins only)
     * @param requestId a valid id (checked by the resource)
     * @throws BillingException.NotFound when no row of that tenant (of any tenant, if null) has the id
     */
    public RequestUsage find(UUID tenantId, String requestId) {
        List<RatedUsage> rows = tenantId == null
                ? ledger.findByEitherIdInAnyTenant(requestId)
                : ledger.findByEitherId(tenantId, requestId);
        if (rows.isEmpty()) {
            throw new BillingException.NotFound("no usage is recorded for request id " + requestId);
        }
        return new RequestUsage(
                requestId,
                rows.stream().sorted(NEWEST_FIRST).map(RequestUsageLookup::row).toList());
    }

    private static RequestUsage.Row row(RatedUsage u) {
        UsageEvent e = u.event();
        return new RequestUsage.Row(
                e.requestId(),
                e.clientRequestId(),
                e.tenantId(),
                e.projectId(),
                e.keyId(),
                e.model(),
                e.priceTier(),
                e.hostPod(),
                e.promptCacheHitTokens(),
                e.promptCacheMissTokens(),
                e.completionTokens(),
                e.reasoningTokens(),
                e.status().name(),
                e.countedByGateway(),
                u.amount().toPlainString(),
                u.currency(),
                u.priceVersionId(),
                u.window().name(),
                e.startedAt(),
                e.finishedAt());
    }
}
