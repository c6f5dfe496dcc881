package io.ascendant.gateway.metering;

import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.datapath.UsageJournalTestJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A gateway process that journals usage and is then killed: appends {@code n} records ({@code <prefix>-<i>}, cache
 * miss 100 + i, output 10 + i), then the first bytes of one more line (a write cut by the crash), prints {@code
 * JOURNALLED} and waits for its SIGKILL. Arguments: dir prefix n tenant project key.
 */
public final class JournalCrashChild {
    private JournalCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String prefix = args[1];
        int n = Integer.parseInt(args[2]);
        UUID tenant = UUID.fromString(args[3]);
        UUID project = UUID.fromString(args[4]);
        UUID key = UUID.fromString(args[5]);
        UsageJournal j = UsageJournal.open(dir, UsageJournalTestJson.MAPPER, 1 << 20, 60_000);
        UsageJournal.Segment segment = null;
        for (int i = 0; i < n; i++) {
            Instant now = Instant.now();
            segment = j.append(new UsageJournal.Entry(
                    new UsageEvent(
                            prefix + "-" + i,
                            tenant,
                            project,
                            key,
                            "deepseek-v4-flash",
                            "http://127.0.0.1:1",
                            0,
                            100 + i,
                            10 + i,
                            0,
                            UsageStatus.COMPLETED,
                            false,
                            now.minusMillis(50),
                            now),
                    List.of()));
        }
        Files.writeString(
                segment.file(),
                "{\"event\":{\"requestId\":\"" + prefix + "-torn\",\"tenantId\":",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        System.out.println("JOURNALLED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
