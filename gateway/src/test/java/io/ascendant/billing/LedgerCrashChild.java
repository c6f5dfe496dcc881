package io.ascendant.billing;

import io.ascendant.billing.ledger.GroupCommitWriter;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceBookRepository;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link LedgerCrashTest} kills with SIGKILL: 64 virtual threads record usage through the real
 * group-commit writer (as gateway requests do) and print {@code ACK <request id>} to stdout only after
 * {@code record} returned, i.e. after the row was acknowledged as durable. Runs until killed.
 *
 * <p>Arguments: jdbc-url user password tenant-id request-id-prefix
 */
public final class LedgerCrashChild {

    private LedgerCrashChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        UUID tenant = UUID.fromString(args[3]);
        String prefix = args[4];
        PriceBook book;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            book = PriceBookRepository.loadAll(c);
        }
        GroupCommitWriter writer = new GroupCommitWriter(
                () -> DriverManager.getConnection(url, user, password),
                () -> book,
                List::of,
                new GroupCommitWriter.Settings(500, 10_000, true, Duration.ofSeconds(30), 5, "USD", 2, Duration.ZERO));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        AtomicLong seq = new AtomicLong();
        out.println("READY");
        out.flush();
        for (int t = 0; t < 64; t++) {
            Thread.ofVirtual().start(() -> {
                while (true) {
                    String id = prefix + seq.incrementAndGet();
                    Instant now = Instant.now();
                    writer.record(new UsageEvent(
                            id,
                            tenant,
                            BillingFixtures.PROJECT,
                            BillingFixtures.KEY,
                            "deepseek-v4-flash",
                            "pod-0",
                            10,
                            100,
                            1000,
                            0,
                            UsageStatus.COMPLETED,
                            false,
                            now.minusMillis(500),
                            now));
                    synchronized (out) {
                        out.println("ACK " + id);
                        out.flush();
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
