package io.ascendant.gateway.quota;

import java.math.BigDecimal;

/**
 * A usage row as the quota module needs it when the ledger commits it.
 *
 * @param requestId the request id
 * @param tokens prompt plus completion tokens
 * @param amount the rated cost in the tenant's currency (exact, unrounded)
 * @param priced false when no price applied (the ledger rated it 0): money holds then settle at the held amount,
 *     never at zero, so an unpriced model cannot spend a budget for free
 */
public record LedgerRow(String requestId, long tokens, BigDecimal amount, boolean priced) {}
