package io.ascendant.gateway.streaming;

import io.ascendant.gateway.api.UsageCheckpoint;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.metering.UsageJournal;
import io.ascendant.gateway.metering.UsageJournalService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints the usage of every running stream in the usage journal every {@code
 * gateway.metering.stream-checkpoint-interval} (default 1 s), so that a crash of the gateway process ({@code kill -9},
 * out of memory, machine loss) bills the output the tenants already received: the next start records a stream that
 * has no final record from its last checkpoint (see {@code UsageJournalService#replay}).
 *
 * <p>Cost and threading: one sweep per interval on this class's own thread, never per chunk. For each stream with new
 * output since its previous checkpoint the sweep copies the counts on the stream's event loop ({@link
 * UsageCheckpoint#take}), then counts the tokens and appends the line back on the sweep thread, so an event loop pays
 * only for a memory copy. The count tokenizes only the output since the stream's previous checkpoint (running counts,
 * {@code RunningTokenCount}), so a long answer does not cost each checkpoint all its text again. A stream whose previous
 * checkpoint is still being written is skipped (so its checkpoints are counted one at a time). Non-streamed requests
 * and streams that end before the sweep reaches them write no checkpoint. Nothing runs with {@code acknowledge=ledger}
 * (there is no journal).
 */
@ApplicationScoped
public class StreamCheckpoints {

    @Inject
    DataPathConfig config;

    @Inject
    UsageJournalService journals;

    @Inject
    LiveStreams live;

    /** Streams whose checkpoint is being taken or written. */
    private final Set<StreamRelay> inFlight = ConcurrentHashMap.newKeySet();

    private ScheduledExecutorService sweeper;

    /** Does not open the journal: {@link UsageJournalService} does, after the quota engine started. */
    void onStart(@Observes StartupEvent ev) {
        long every = config.metering().streamCheckpointInterval().toMillis();
        if (every <= 0 || config.metering().acknowledge() != DataPathConfig.Acknowledge.JOURNAL) {
            return;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("usage-stream-checkpoints").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Takes a checkpoint of every running stream with new output (the sweep thread). */
    void sweep() {
        UsageJournal journal = journals.journal();
        if (journal == null) {
            return;
        }
        for (StreamRelay relay : live.relays()) {
            if (!inFlight.add(relay)) {
                continue;
            }
            relay.checkpoint().whenComplete((c, t) -> { // on the stream's event loop
                if (c == null) {
                    inFlight.remove(relay);
                    if (t != null) {
                        Log.warnf("Usage checkpoint of stream %s failed: %s", relay.requestId(), t.getMessage());
                    }
                    return;
                }
                try {
                    sweeper.execute(() -> {
                        try {
                            write(journal, c);
                        } finally {
                            inFlight.remove(relay);
                        }
                    });
                } catch (RejectedExecutionException e) { // shutting down
                    inFlight.remove(relay);
                }
            });
        }
    }

    private static void write(UsageJournal journal, UsageCheckpoint c) {
        if (c == null || !c.running()) {
            return;
        }
        try {
            journal.checkpoint(c.entry(), c::running);
        } catch (IOException | RuntimeException e) { // the final record is journalled as usual when the stream ends
            Log.warnf("Usage checkpoint of stream %s could not be journalled: %s", c.requestId(), e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
