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
 * <p>Usage: LedgerThroughput &lt;migrations dir&gt; [callers=2000] [seconds=20] [maxBatch=2000] [writers=2]
 */
public class LedgerThroughput {
    public static void main(String[] args) throws Exception {
        Path migrations = Path.of(args[0]);
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int maxBatch = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        int writers = args.length > 4 ? Integer.parseInt(args[4]) : 2;
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
                    new GroupCommitWriter.Settings(maxBatch, 100_000, true, Duration.ofSeconds(60), 5, "USD", writers));
            AtomicLong done = new AtomicLong();
            AtomicLong seq = new AtomicLong();
            String[] models = {"deepseek-v4-pro", "deepseek-v4-flash"};
            // warm-up 3 s, then measure
            long warmEnd = System.nanoTime() + 3_000_000_000L;
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
            for (Thread t : threads) t.join();
            w.close();
            System.out.println("writer: " + w.stats());
            long rows;
            try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM usage_ledger")) {
                rs.next();
                rows = rs.getLong(1);
            }
            System.out.printf(
                    "ledger group commit: %d callers, %d writers, max batch %d, %d s measured: %,.0f rows/s (acknowledged %d, rows in table %d, cores %d)%n",
                    callers, writers, maxBatch, seconds, measured.get() / (double) seconds, done.get(), rows,
                    Runtime.getRuntime().availableProcessors());
            if (rows != done.get()) {
                System.out.println("MISMATCH: acknowledged rows differ from table rows");
                System.exit(1);
            }
        }
    }
}
