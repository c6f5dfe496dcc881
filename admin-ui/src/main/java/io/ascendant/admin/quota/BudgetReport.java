package io.ascendant.admin.quota;

import java.util.List;

/**
 * One page of a tenant's hard budgets at one level (tenant, project or key) this period, with the soft thresholds the
 * gateways record events at.
 *
 * @param thresholds soft thresholds in percent of a budget, ascending ({@code gateway.quota.thresholds}, default
 *     80,100); the console marks them on every budget bar
 * @param budgets the level's enforced budgets (set, whether used yet this period or not) and every budget with a
 *     counter this period (a request was admitted or refused under it, shadow budgets included), ordered by pool key
 * @param nextCursor pass as {@code cursor} for the next page, or null when this is the last one
 */
public record BudgetReport(List<Integer> thresholds, List<BudgetStatus> budgets, String nextCursor) {}
