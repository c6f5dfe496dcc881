package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.budget.PeriodKind;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Building blocks of the quota tests: requests, policies, and the ledger's transaction as billing runs it. */
final class QuotaFixtures {

    static final UUID TENANT = UUID.fromString("00000000-0000-7000-8000-00000000a001");
    static final UUID PROJECT = UUID.fromString("00000000-0000-7000-8000-00000000b001");
    static final UUID KEY = UUID.fromString("00000000-0000-7000-8000-00000000c001");

    private QuotaFixtures() {}

    /** Settings with test-friendly durations (the clock is driven by hand anyway). */
    static QuotaSettings settings() {
        return new QuotaSettings(
                0.1,
                Duration.ofSeconds(1),
                0.02,
                new BigDecimal("0.02"),
                new BigDecimal("0.25"),
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(15),
                new int[] {80, 100});
    }

    static QuotaRequest request(String id, long prompt, long maxOut, BigDecimal worstCase, ZoneId zone) {
        return new QuotaRequest(id, TENANT, PROJECT, KEY, "deepseek-v4-flash", zone, prompt, maxOut, worstCase, null);
    }

    static QuotaRequest request(String id, BigDecimal worstCase) {
        return request(id, 100, 100, worstCase, ZoneId.of("UTC"));
    }

    static PoolSpec moneyBudget(String key, BigDecimal limit, PeriodKind period) {
        return new PoolSpec(key, PoolSpec.Unit.MONEY, "USD", limit, period, false, "tenant money budget");
    }

    static PoolSpec tokenBudget(String key, long limit, PeriodKind period) {
        return new PoolSpec(
                key, PoolSpec.Unit.TOKENS, null, BigDecimal.valueOf(limit), period, false, "key token budget");
    }

    static PoolSpec concurrency(String key, int limit) {
        return new PoolSpec(
                key,
                PoolSpec.Unit.REQUESTS,
                null,
                BigDecimal.valueOf(limit),
                PeriodKind.NONE,
                false,
                "concurrent requests (key)");
    }

    static RateSpec rpm(String key, long perMinute) {
        return new RateSpec(key, RateSpec.Kind.REQUESTS, perMinute, false, "requests per minute (key)");
    }

    static RateSpec tpm(String key, long perMinute) {
        return new RateSpec(key, RateSpec.Kind.TOKENS, perMinute, false, "tokens per minute (key)");
    }

    static QuotaPolicy policy(List<RateSpec> rates, List<PoolSpec> pools) {
        return new QuotaPolicy(rates, pools);
    }

    /** What the usage ledger does for one row: settle in its transaction, commit; then the data path ends the ticket. */
    static void recordUsage(
            QuotaEngine engine,
            DataSource ds,
            QuotaTicket ticket,
            long promptTokens,
            long completionTokens,
            BigDecimal amount)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            engine.settleInLedger(
                    c, List.of(new LedgerRow(ticket.requestId(), promptTokens + completionTokens, amount, true)));
            c.commit();
            c.setAutoCommit(true);
        }
        ticket.complete(promptTokens, completionTokens);
    }
}
