package io.ascendant.gateway.metering;

import java.nio.file.Path;

/** A second "gateway" process for {@link UsageJournalTest}: exits 3 with the message when the journal is locked. */
public final class JournalLockProbe {
    private JournalLockProbe() {}

    public static void main(String[] args) throws Exception {
        try (UsageJournal j = UsageJournal.open(Path.of(args[0]), UsageJournalTest.JSON, 1 << 20, 60_000)) {
            System.out.println("opened " + j.directory());
            System.exit(0);
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
