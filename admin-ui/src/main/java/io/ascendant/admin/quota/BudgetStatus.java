package io.ascendant.admin.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One hard budget of a tenant, project or key in its current period, as the gateways' shared quota state has it.
 *
 * <p>Admission holds each request's worst case before dispatch and refuses (429 {@code quota_exceeded}) when settled
 * usage plus holds plus the new worst case would pass the limit. So a budget can be used up while its settled usage
 * is still below 100 %: {@code exhausted} says that a request has been refused on this budget in this period, or that
 * its settled usage reached the limit (then nothing more is admitted either). A shadow budget (a limit on trial) is
 * counted the same way but never refuses, so it is never {@code exhausted}.
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
 * @param limit the budget
 * @param settled usage settled in the usage ledger this period (exact, trailing zeros stripped); for a tenant budget
 *     without a counter yet, the ledger's sum its counter will open with (0 before any usage); for a project or key
 *     budget without a counter yet, 0
 * @param held held by gateways: worst cases of requests in flight plus unspent slices leased by replicas (given back
 *     when idle)
 * @param exhausted whether a request was refused on this budget this period, or its settled usage reached the limit
 * @param exhaustedAt when the first such refusal happened (the budget's {@code EXHAUSTED} event), or null (no
 *     refusal yet, including a budget used up by its settled usage alone)
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
