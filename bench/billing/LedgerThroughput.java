import io.ascendant.billing.ledger.GroupCommitWriter;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.billing.pricebook.PriceBookRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Usage-ledger group-commit throughput: C concurrent callers (virtual threads, like gateway requests) each call
 * record() in a loop for D seconds against an embedded PostgreSQL with fsync and synchronous_commit on. Rows are
 * spread over 200 tenants x 5 keys x 2 models, so rollup upserts are part of the cost. Prints rows/s.
 *
 * <p>Before the throughput phase, a latency phase at concurrency 1 (one caller, idle database): 300 warm-up calls,
 * then {@code latencySamples} sequential record() calls; prints p50/p90/p99/max in microseconds. That is the time a
 * response's last bytes wait for their usage to be durable.
 *
 * <p>Usage: LedgerThroughput &lt;migrations dir&gt; [callers=2000] [seconds=20] [maxBatch=2000] [writers=2]
 * [latencySamples=2000] [warmupSeconds=10]
 *
 * <p>The throughput phase is measured after {@code warmupSeconds} of the same load, so the JIT has compiled the hot
 * path (on 2 busy cores the C2 compiler alone takes more CPU than the writer for the first seconds).
 */
public class LedgerThroughput {
    public static void main(String[] args) throws Exception {
        Path migrations = Path.of(args[0]);
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int maxBatch = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        int writers = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int latencySamples = args.length > 5 ? Integer.parseInt(args[5]) : 2000;
        int warmupSeconds = args.length > 6 ? Integer.parseInt(args[6]) : 10;
        try (EmbeddedPostgres pg = BenchDatabase.start(migrations)) {
            var ds = pg.getPostgresDatabase();
            var book = PriceBookRepository.loadAll(ds.getConnection());
            int tenants = 200;
            UUID[] tenantIds = new UUID[tenants];
            try (Connection c = ds.getConnection(); var st = c.createStatement()) {
                for (int i = 0; i < tenants; i++) {
                    tenantIds[i] = UUID.randomUUID();
                    st.addBatch("INSERT INTO billing_account (tenant_id, display_name, currency, time_zone) VALUES ('"
                            + tenantIds[i] + "', 'Tenant " + i + "', '" + (i % 4 == 0 ? "CNY" : "USD")
                            + "', 'Europe/Berlin')");
                }
                st.executeBatch();
            }
            UUID[][] keys = new UUID[tenants][5];
            for (UUID[] k : keys) for (int j = 0; j < k.length; j++) k[j] = UUID.randomUUID();
            UUID project = UUID.randomUUID();
            GroupCommitWriter w = new GroupCommitWriter(
                    ds::getConnection,
                    () -> book,
                    List::of,
                    new GroupCommitWriter.Settings(maxBatch, 100_000, true, Duration.ofSeconds(60), 5, "USD", writers, Duration.ZERO));
            AtomicLong done = new AtomicLong();
            AtomicLong seq = new AtomicLong();
            String[] models = {"deepseek-v4-pro", "deepseek-v4-flash"};
            if (latencySamples > 0) {
                long[] nanos = new long[latencySamples];
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = -300; i < latencySamples; i++) {
                    int ti = r.nextInt(tenants);
                    Instant fin = Instant.now();
                    UsageEvent e = new UsageEvent(
                            "lat-" + seq.incrementAndGet(), tenantIds[ti], project, keys[ti][r.nextInt(5)],
                            models[r.nextInt(2)], "pod-0", r.nextLong(0, 5000), r.nextLong(0, 20000),
                            r.nextLong(1, 4000), 0, UsageStatus.COMPLETED, false, fin.minusMillis(900), fin);
                    long t0 = System.nanoTime();
                    w.record(e);
                    long t = System.nanoTime() - t0;
                    done.incrementAndGet();
                    if (i >= 0) nanos[i] = t;
                }
                java.util.Arrays.sort(nanos);
                System.out.printf(
                        "record() latency at concurrency 1 (%d calls, %d writers): p50 %d us, p90 %d us, p99 %d us, max %d us%n",
                        latencySamples, writers, nanos[latencySamples / 2] / 1000,
                        nanos[(int) (latencySamples * 0.90)] / 1000, nanos[(int) (latencySamples * 0.99)] / 1000,
                        nanos[latencySamples - 1] / 1000);
                System.out.println("writer after latency phase: " + w.stats());
            }
            long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            long end = warmEnd + seconds * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            AtomicLong measured = new AtomicLong();
            for (int t = 0; t < callers; t++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (true) {
                        long now = System.nanoTime();
                        if (now > end) break;
                        int ti = r.nextInt(tenants);
                        Instant fin = Instant.now();
                        w.record(new UsageEvent(
                                "bench-" + seq.incrementAndGet(), tenantIds[ti], project, keys[ti][r.nextInt(5)],
                                models[r.nextInt(2)], "pod-" + r.nextInt(4), r.nextLong(0, 5000),
                                r.nextLong(0, 20000), r.nextLong(1, 4000), 0, UsageStatus.COMPLETED, false,
                                fin.minusMillis(900), fin));
                        done.incrementAndGet();
                        if (now > warmEnd) measured.incrementAndGet();
                    }
                }));
            }
            // CPU per row in the measured window, split into this JVM (writer, callers, GC, JIT) and the PostgreSQL
            // processes, plus what everything else on the machine used: comparable across runs on a busy machine.
            long[] cpu = new long[8];
            Thread sampler = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(Math.max(0, (warmEnd - System.nanoTime()) / 1_000_000));
                    cpu[0] = done.get();
                    cpu[1] = jvmCpuNanos();
                    cpu[2] = postgresCpuNanos(ds);
                    cpu[3] = machineCpuNanos();
                    Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
                    cpu[4] = done.get();
                    cpu[5] = jvmCpuNanos();
                    cpu[6] = postgresCpuNanos(ds);
                    cpu[7] = machineCpuNanos();
                } catch (Exception e) {
                    System.out.println("cpu sampling failed: " + e);
                }
            });
            for (Thread t : threads) t.join();
            sampler.join();
            long windowRows = Math.max(1, cpu[4] - cpu[0]);
            double jvmUs = (cpu[5] - cpu[1]) / 1000.0 / windowRows;
            double pgUs = (cpu[6] - cpu[2]) / 1000.0 / windowRows;
            double machineUs = (cpu[7] - cpu[3]) / 1000.0 / windowRows;
            System.out.printf(
                    "cpu per row in the measured window: jvm %.1f us, postgres %.1f us, rest of the machine %.1f us"
                            + " (%d rows; at 2 cores, jvm+postgres alone would allow %,.0f rows/s)%n",
                    jvmUs, pgUs, Math.max(0, machineUs - jvmUs - pgUs), windowRows,
                    2_000_000.0 / Math.max(0.001, jvmUs + pgUs));
            w.close();
            System.out.println("writer: " + w.stats());
            long rows;
            try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM usage_ledger")) {
                rs.next();
                rows = rs.getLong(1);
            }
            System.out.printf(
                    "ledger group commit: %d callers, %d writers, max batch %d, %d s measured after %d s warm-up: %,.0f rows/s (acknowledged %d, rows in table %d, cores %d)%n",
                    callers, writers, maxBatch, seconds, warmupSeconds, measured.get() / (double) seconds, done.get(), rows,
                    Runtime.getRuntime().availableProcessors());
            if (rows != done.get()) {
                System.out.println("MISMATCH: acknowledged rows differ from table rows");
                System.exit(1);
            }
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** user + system CPU of every PostgreSQL process listed in pg_stat_activity (backends and auxiliaries). */
    private static long postgresCpuNanos(javax.sql.DataSource ds) throws Exception {
        long ticks = 0;
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT pid FROM pg_stat_activity")) {
            while (rs.next()) {
                ticks += procTicks(java.nio.file.Path.of("/proc", rs.getString(1), "stat"));
            }
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    private static long procTicks(java.nio.file.Path stat) {
        try {
            String s = java.nio.file.Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (Exception e) {
            return 0; // the process ended
        }
    }

    /** Busy CPU time of the whole machine (all cores, /proc/stat: user+nice+system+irq+softirq+steal). */
    private static long machineCpuNanos() throws Exception {
        String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        return busy * 10_000_000L;
    }
}
