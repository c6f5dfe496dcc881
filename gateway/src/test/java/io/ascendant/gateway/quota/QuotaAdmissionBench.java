package io.ascendant.gateway.quota;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.quota.budget.PeriodKind;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Admission cost and database round trips per request at steady state (bench/quota/run.sh).
 *
 * <p>One replica, real PostgreSQL, the full set of limits a request meets (requests and tokens per minute at key
 * level, a concurrency limit, a money and a token budget), limits high enough that nothing is refused. Each request
 * is admitted, its usage settled in a ledger-style batch transaction of 64 rows (as billing's group-commit writer
 * does) and its ticket completed; the maintenance round runs every 1,000 requests. Prints the time of {@code admit}
 * (mean, p50, p99, p99.9) and round trips per request, split into admission/maintenance and settlement.
 */
public final class QuotaAdmissionBench {

    private QuotaAdmissionBench() {}

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        try (QuotaTestDb db = new QuotaTestDb("quota_bench")) {
            AgroalDataSource pool = db.newPool(8);
            RoundTripCounter admissionTrips = new RoundTripCounter();
            RoundTripCounter settleTrips = new RoundTripCounter();
            DataSource admissionDs = admissionTrips.wrap(pool);
            DataSource ledgerDs = settleTrips.wrap(pool);
            QuotaEngine engine = new QuotaEngine(admissionDs, Clock.systemUTC(), QuotaSettings.defaults(), "bench");
            engine.start();
            UUID key = UUID.randomUUID();
            QuotaPolicy policy = new QuotaPolicy(
                    List.of(
                            new RateSpec("rpm:key:" + key + ":*", RateSpec.Kind.REQUESTS, 60_000_000, false, "rpm"),
                            new RateSpec("tpm:key:" + key + ":*", RateSpec.Kind.TOKENS, 60_000_000_000L, false, "tpm")),
                    List.of(
                            new PoolSpec(
                                    "concurrency:key:" + key + ":*",
                                    PoolSpec.Unit.REQUESTS,
                                    null,
                                    BigDecimal.valueOf(100_000),
                                    PeriodKind.NONE,
                                    false,
                                    "concurrency"),
                            new PoolSpec(
                                    "money:tenant:" + key + ":*:MONTH",
                                    PoolSpec.Unit.MONEY,
                                    "USD",
                                    new BigDecimal("10000000"),
                                    PeriodKind.MONTH,
                                    false,
                                    "money"),
                            new PoolSpec(
                                    "tokens:project:" + key + ":*:MONTH",
                                    PoolSpec.Unit.TOKENS,
                                    null,
                                    BigDecimal.valueOf(1_000_000_000_000L),
                                    PeriodKind.MONTH,
                                    false,
                                    "tokens")));
            run(engine, ledgerDs, policy, "warm-", warmup, null);
            long a0 = admissionTrips.trips();
            long s0 = settleTrips.trips();
            long[] nanos = new long[measured];
            long t0 = System.nanoTime();
            run(engine, ledgerDs, policy, "m-", measured, nanos);
            long wall = System.nanoTime() - t0;
            long admissionRt = admissionTrips.trips() - a0;
            long settleRt = settleTrips.trips() - s0;
            Arrays.sort(nanos);
            double mean = Arrays.stream(nanos).average().orElse(0);
            System.out.printf(
                    "quota admission bench: %d requests (after %d warm-up), 2 rate limits + concurrency + 2 budgets%n",
                    measured, warmup);
            System.out.printf(
                    "admit(): mean %.1f us, p50 %.1f us, p99 %.1f us, p99.9 %.1f us%n",
                    mean / 1e3,
                    nanos[measured / 2] / 1e3,
                    nanos[(int) (measured * 0.99)] / 1e3,
                    nanos[(int) (measured * 0.999)] / 1e3);
            System.out.printf(
                    "round trips per request: admission+maintenance %.4f, settlement in ledger batches of 64 %.4f,"
                            + " total %.4f%n",
                    (double) admissionRt / measured,
                    (double) settleRt / measured,
                    (double) (admissionRt + settleRt) / measured);
            System.out.printf(
                    "end-to-end loop (admit + settle + complete): %.0f requests/s on one thread%n",
                    measured / (wall / 1e9));
            System.out.printf(
                    "machine: %d cores, %s %s, %s%n",
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            engine.shutdown();
        }
    }

    private static void run(
            QuotaEngine engine, DataSource ledger, QuotaPolicy policy, String prefix, int n, long[] nanos)
            throws Exception {
        List<QuotaTicket> batch = new ArrayList<>(64);
        for (int i = 0; i < n; i++) {
            QuotaRequest r = new QuotaRequest(
                    prefix + i,
                    QuotaFixtures.TENANT,
                    QuotaFixtures.PROJECT,
                    QuotaFixtures.KEY,
                    "deepseek-v4-flash",
                    ZoneId.of("Europe/Berlin"),
                    500,
                    500,
                    new BigDecimal("0.00081"),
                    null);
            long s = System.nanoTime();
            QuotaTicket t = engine.admit(r, policy);
            long e = System.nanoTime();
            if (nanos != null) {
                nanos[i] = e - s;
            }
            batch.add(t);
            if (batch.size() == 64) {
                settle(engine, ledger, batch);
            }
            if (i % 1000 == 999) {
                engine.maintain();
            }
        }
        settle(engine, ledger, batch);
    }

    private static void settle(QuotaEngine engine, DataSource ledger, List<QuotaTicket> batch) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        List<LedgerRow> rows = new ArrayList<>(batch.size());
        for (QuotaTicket t : batch) {
            rows.add(new LedgerRow(t.requestId(), 800, new BigDecimal("0.0005"), true));
        }
        try (Connection c = ledger.getConnection()) {
            c.setAutoCommit(false);
            engine.settleInLedger(c, rows);
            c.commit();
            c.setAutoCommit(true);
        }
        for (QuotaTicket t : batch) {
            t.complete(500, 300);
        }
        batch.clear();
    }
}
