package io.ascendant.gateway.streaming;

import io.ascendant.gateway.metering.UsageJournal;
import io.ascendant.gateway.metering.UsageJournalService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The streams this gateway is relaying, and the dispatched requests still waiting for their host's answer ({@link
 * Unanswered}: a non-streamed request until its whole answer, a streamed one until its first byte), so that shutdown
 * can end them properly.
 *
 * <p>Lifecycle: on SIGTERM Quarkus reports not-ready for {@code quarkus.shutdown.delay}, then refuses new requests
 * (503) and waits up to {@code quarkus.shutdown.timeout} for those in flight (a stream is in flight until its last
 * byte). When that wait times out Quarkus goes on closing things at once (the upstream connections among them), so a
 * stream still running would be cut with no error event and no {@code [DONE]}. This class therefore ends the streams
 * itself just before that deadline ({@link #STREAM_DEADLINE_MARGIN} earlier, or a quarter of the timeout when that is
 * shorter), counted from {@link ShutdownDelayInitiatedEvent} (fired when shutdown begins): each one on its event
 * loop, with an error event and a properly ended stream, its host request cancelled and its usage recorded; a request
 * still waiting for its host's answer likewise gets a 503 {@code gateway_shutting_down} and its {@code FAILED} record
 * (nothing reached the client), so that its usage too reaches the ledger before the process exits. Once no
 * request is in flight Quarkus proceeds and fires {@link ShutdownEvent}; {@link #endAll} runs again there (priority
 * {@value #SHUTDOWN_PRIORITY}) for any stream left, and the usage ledger is flushed after it ({@code LedgerUsageSink},
 * priority {@value #LEDGER_FLUSH_PRIORITY}), before any bean, the datasource included, is destroyed.
 */
@ApplicationScoped
public class LiveStreams {

    /** Observer priority of {@link #endAll}: before the ledger flush and the other shutdown observers. */
    public static final int SHUTDOWN_PRIORITY = 100;

    /** Observer priority of the usage ledger's flush at shutdown: right after the streams ended. */
    public static final int LEDGER_FLUSH_PRIORITY = 200;

    /** How long before Quarkus' graceful-shutdown deadline the remaining streams are ended. */
    static final Duration STREAM_DEADLINE_MARGIN = Duration.ofSeconds(2);

    /** How long {@link #endAll} waits for the ended streams' usage to be handed to metering. */
    private static final long RECORD_WAIT_SECONDS = 10;

    @Inject
    UsageJournalService journals;

    /**
     * A dispatched request that has no answer from its host yet, which shutdown ends like a stream: the client gets a
     * 503 error in its API's shape and the request its usage record.
     */
    public interface Unanswered {
        /**
         * Ends the request because the gateway shuts down (any thread; runs on the request's event loop); nothing
         * happens when it already ended.
         *
         * @return completes once the request's usage was handed to metering (journalled, or committed by the ledger)
         */
        CompletableFuture<Void> endForShutdown();
    }

    private final Set<StreamRelay> live = ConcurrentHashMap.newKeySet();
    private final Set<Unanswered> unanswered = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /** Registers a started stream; a stream starting after shutdown began is ended at once. */
    void add(StreamRelay relay) {
        live.add(relay);
        if (closing) {
            relay.endForShutdown();
        }
    }

    /**
     * Forgets a stream that ended (its final usage record already handed to metering): its usage checkpoints in the
     * journal are superseded.
     */
    void remove(StreamRelay relay) {
        live.remove(relay);
        UsageJournal j = journals.journal();
        if (j != null) {
            j.released(relay.requestId());
        }
    }

    /**
     * Registers a dispatched request until its host answers ({@link #answered}); one registered after shutdown began is
     * ended at once.
     */
    public void awaitingAnswer(Unanswered request) {
        unanswered.add(request);
        if (closing) {
            request.endForShutdown();
        }
    }

    /** Forgets a request registered by {@link #awaitingAnswer}: its host answered or failed, or it ended. */
    public void answered(Unanswered request) {
        unanswered.remove(request);
    }

    /** The streams being relayed now (a copy). */
    List<StreamRelay> relays() {
        return List.copyOf(live);
    }

    /** Number of streams being relayed. */
    public int size() {
        return live.size();
    }

    /** Shutdown began: ends the remaining streams just before the graceful-shutdown deadline. */
    void onShutdownBegins(@Observes ShutdownDelayInitiatedEvent ev) {
        Config config = ConfigProvider.getConfig();
        Duration delay = config.getOptionalValue("quarkus.shutdown.delay", Duration.class)
                .orElse(Duration.ZERO);
        Optional<Duration> timeout = config.getOptionalValue("quarkus.shutdown.timeout", Duration.class);
        if (timeout.isEmpty()) {
            return; // no graceful wait: the ShutdownEvent observer ends them
        }
        Duration margin = timeout.get().dividedBy(4);
        if (margin.compareTo(STREAM_DEADLINE_MARGIN) > 0) {
            margin = STREAM_DEADLINE_MARGIN;
        }
        long waitMs = delay.plus(timeout.get()).minus(margin).toMillis();
        Thread.ofPlatform().daemon().name("stream-shutdown-deadline").start(() -> {
            try {
                Thread.sleep(Math.max(0, waitMs));
            } catch (InterruptedException e) {
                return;
            }
            endAll(null);
        });
    }

    /**
     * Ends every stream still running and every request still waiting for its host's answer (their usage handed to
     * metering before it returns, waiting at most 10 s).
     */
    void endAll(@Observes @Priority(SHUTDOWN_PRIORITY) ShutdownEvent ev) {
        closing = true;
        List<CompletableFuture<Void>> streams =
                List.copyOf(live).stream().map(StreamRelay::endForShutdown).toList();
        List<CompletableFuture<Void>> waiting =
                List.copyOf(unanswered).stream().map(Unanswered::endForShutdown).toList();
        List<CompletableFuture<Void>> recorded = new ArrayList<>(streams);
        recorded.addAll(waiting);
        if (recorded.isEmpty()) {
            return;
        }
        Log.infof(
                "Shutdown: ending %d stream(s) and %d request(s) waiting for a host answer at the end of the grace"
                        + " period",
                streams.size(), waiting.size());
        try {
            CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new))
                    .get(RECORD_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            Log.warnf(
                    "Shutdown: the usage of %d ended request(s) was not handed to metering within %d s: %s",
                    recorded.stream().filter(f -> !f.isDone()).count(), RECORD_WAIT_SECONDS, e);
        }
    }
}
