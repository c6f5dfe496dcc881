package io.ascendant.gateway.admission;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * One budget hold of an admitted request, as the usage journal keeps it so that a request whose usage is replayed
 * after a crash settles its budget exactly as it would have live (see {@link AdmissionControl#restoreHolds}).
 *
 * @param accountId the quota account ({@code quota_account.id}) the hold was taken from
 * @param replicaId the gateway replica whose lease held it
 * @param held the amount held: money in the account's currency, or tokens
 * @param money whether the account counts money (else tokens)
 */
public record HeldBudget(long accountId, UUID replicaId, BigDecimal held, boolean money) {}
