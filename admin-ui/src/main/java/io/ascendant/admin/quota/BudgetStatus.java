package io.ascendant.admin.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One hard budget of a tenant, project or key in its current period, as the gateways' shared quota state has it.
 *
 * <p>Admission holds each request's worst case before dispatch and refuses (429 {@code quota_exceeded}) when settled
 * usage plus holds plus the new worst case would pass the limit. So a budget can be used up while its settled usage
 * is still below 100 %: {@code exhausted} says that a request has been refused on this budget in this period under a
 * limit no lower than the current one, or that its settled usage reached the current limit (then nothing more is
 * admitted either). A budget raised above its use after a refusal is not exhausted: the gateways admit again at once.
 * A shadow budget (a limit on trial) is counted the same way but never refuses, so it is never {@code exhausted}.
 *
 * @param poolKey the gateways' counter, e.g. {@code money:tenant:<id>:*:MONTH} or {@code shadow-tokens:key:<id>:*:DAY}
 * @param level {@code tenant}, {@code project} or {@code key}
 * @param ownerId id of the tenant, project or key the budget belongs to; for a key, the current key of its rotation
 *     lineage (the newest not revoked), while {@code poolKey} names the lineage's first key
 * @param ownerName display name of the tenant, or name of the project or key (the current key of the lineage)
 * @param shadow whether this is a shadow-mode budget (evaluated, never enforced)
 * @param unit MONEY or TOKENS
 * @param currency currency of a MONEY budget, else null
 * @param model {@code *} or the model the budget is specific to
 * @param period DAY or MONTH (calendar periods in the tenant's time zone)
 * @param periodStart first instant of the period, or null for a project or key budget not used yet this period
 * @param periodEnd first instant after the period, or null likewise
 * @param limit the budget: an enforced one as configured now (the limit the gateways apply at once; the counter's
 *     stored limit follows at its next grant), a shadow one as its counter has it
 * @param settled usage settled in the usage ledger this period (exact, trailing zeros stripped); for a tenant budget
 *     without a counter yet, the ledger's sum its counter will open with (0 before any usage); for a project or key
 *     budget without a counter yet, 0
 * @param held held by gateways: worst cases of requests in flight plus unspent slices leased by replicas (given back
 *     when idle)
 * @param exhausted whether a request was refused on this budget this period under a limit at least {@code limit}, or
 *     its settled usage reached {@code limit}
 * @param exhaustedAt when the refusal that the budget's {@code EXHAUSTED} event records happened (the first one under
 *     the highest limit that refused this period) if it counts for {@code exhausted}, else null (no refusal yet, a
 *     refusal under a lower limit than the current one, or a budget used up by its settled usage alone)
 */
public record BudgetStatus(
        String poolKey,
        String level,
        UUID ownerId,
        String ownerName,
        boolean shadow,
        String unit,
        String currency,
        String model,
        String period,
        Instant periodStart,
        Instant periodEnd,
        BigDecimal limit,
        BigDecimal settled,
        BigDecimal held,
        boolean exhausted,
        Instant exhaustedAt) {}
