package io.ascendant.admin.quota;

import java.util.List;

/**
 * A tenant's hard budgets this period and the soft thresholds the gateways record events at.
 *
 * @param thresholds soft thresholds in percent of a budget, ascending ({@code gateway.quota.thresholds}, default
 *     80,100); the console marks them on every budget bar
 * @param budgets tenant-level budgets that have a counter this period (a request was admitted or refused under them)
 */
public record BudgetReport(List<Integer> thresholds, List<BudgetStatus> budgets) {}
