package io.ascendant.gateway.metering;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.admission.AdmissionControl;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.platform.EmbeddedPostgresSettings;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Owns the gateway's {@link UsageJournal} when {@code gateway.metering.acknowledge=journal}: opens it at start (a
 * directory another live gateway holds is a start-up error naming it), forces it to disk every {@code
 * journal-sync-interval}, replays the previous run's leftover records into the usage ledger in the background
 * (holds restored first, so budgets settle exactly as they would have live; a stream cut by the crash is recorded
 * from its last checkpoint), and closes it at shutdown.
 */
@ApplicationScoped
public class UsageJournalService {

    @Inject
    DataPathConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    UsageLedger ledger;

    @Inject
    AdmissionControl admission;

    @Inject
    LedgerUsageSink sink;

    private volatile UsageJournal journal;
    private ScheduledExecutorService syncer;
    private volatile Thread replay;

    /** Priority after the quota engine's start (its holds are restored during the replay). */
    void onStart(@Observes @Priority(5000) StartupEvent ev) {
        journal();
    }

    /**
     * The open journal, or {@code null} when usage is acknowledged by the ledger itself.
     *
     * @throws IllegalStateException when the journal directory cannot be opened (the gateway does not start)
     */
    public UsageJournal journal() {
        if (config.metering().acknowledge() != DataPathConfig.Acknowledge.JOURNAL) {
            return null;
        }
        UsageJournal j = journal;
        if (j != null) {
            return j;
        }
        synchronized (this) {
            if (journal == null) {
                journal = open();
            }
            return journal;
        }
    }

    private UsageJournal open() {
        Path dir = config.metering()
                .journalDir()
                .orElseGet(() -> EmbeddedPostgresSettings.from(System.getenv(), System.getProperties())
                        .home()
                        .resolve("data/usage-journal"));
        UsageJournal j;
        try {
            j = UsageJournal.open(dir, json, config.metering().journalSegmentBytes(), 10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "The usage journal " + dir + " cannot be opened (" + e.getMessage()
                            + "); fix its permissions or set gateway.metering.journal-dir.",
                    e);
        }
        long every = Math.max(1, config.metering().journalSyncInterval().toMillis());
        syncer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("usage-journal-sync").factory());
        syncer.scheduleWithFixedDelay(j::sync, every, every, TimeUnit.MILLISECONDS);
        if (!j.leftovers().isEmpty()) {
            UsageJournal opened = j;
            replay = Thread.ofVirtual().name("usage-journal-replay").start(() -> replay(opened));
        }
        Log.infof(
                "Usage journal at %s (%d segment(s) from a previous run to replay)",
                dir, j.leftovers().size());
        return j;
    }

    /**
     * Records the leftover entries in the ledger, segment by segment: each request's final record, or its last
     * checkpoint when the previous run died while its stream was relaying ({@link UsageJournalReplay}); superseded
     * checkpoints are skipped. A segment is deleted once all of its entries to record are committed (at once when it
     * holds only superseded checkpoints). When the ledger keeps failing, the rest stays on disk for the next start.
     */
    public void replay(UsageJournal j) {
        List<Path> segments = j.leftovers();
        UsageJournalReplay selection = new UsageJournalReplay();
        boolean[] unreadable = new boolean[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            try {
                selection.scan(i, UsageJournal.read(segments.get(i), json).entries());
            } catch (IOException e) {
                unreadable[i] = true;
                Log.errorf("usage journal segment %s cannot be read: %s; it is kept", segments.get(i), e.getMessage());
            }
        }
        long replayed = 0;
        long superseded = 0;
        for (int i = 0; i < segments.size(); i++) {
            Path segment = segments.get(i);
            if (unreadable[i]) {
                continue;
            }
            List<UsageJournal.Entry> entries;
            try {
                entries = UsageJournal.read(segment, json).entries();
            } catch (IOException e) {
                Log.errorf("usage journal segment %s cannot be read: %s; it is kept", segment, e.getMessage());
                continue;
            }
            List<UsageJournal.Entry> toRecord = selection.toRecord(i, entries);
            boolean all = true;
            for (UsageJournal.Entry entry : toRecord) {
                String id = entry.event().requestId();
                admission.restoreHolds(id, entry.event().tenantId(), entry.holds());
                try {
                    all &= sink.deliver(entry.event()).join(); // one at a time: the holds are restored per entry
                } finally {
                    admission.forgetRestored(id);
                }
            }
            if (!all) {
                Log.errorf(
                        "usage journal segment %s could not be fully recorded; it is kept for the next start", segment);
                return;
            }
            replayed += toRecord.size();
            superseded += entries.size() - toRecord.size();
            try {
                j.discard(segment);
            } catch (IOException e) {
                Log.warnf("replayed usage journal segment %s could not be deleted: %s", segment, e.getMessage());
            }
        }
        Log.infof(
                "Usage journal: %d record(s) of the previous run recorded in the usage ledger (%d superseded stream"
                        + " checkpoint(s) skipped)",
                replayed, superseded);
    }

    /** Waits for the replay of the previous run's records (tests, orderly shutdown). */
    public void awaitReplay(long timeoutMillis) throws InterruptedException {
        Thread t = replay;
        if (t != null) {
            t.join(timeoutMillis);
        }
    }

    @PreDestroy
    void stop() {
        if (syncer != null) {
            syncer.shutdownNow();
        }
        UsageJournal j = journal;
        if (j != null) {
            j.sync();
            j.close();
        }
    }
}
