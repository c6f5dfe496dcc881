package io.ascendant.gateway.datapath;

import io.ascendant.gateway.metering.LedgerUsageSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects what the gateway recorded in the real usage ledger, per request id: under the gateway's own id and, when the
 * client sent an {@code x-request-id}, under that id too (tests that send a unique client id find their request by it).
 */
@ApplicationScoped
public class MeteredEvents {
    private final Map<String, List<LedgerUsageSink.Metered>> byRequest = new ConcurrentHashMap<>();

    void on(@Observes LedgerUsageSink.Metered m) {
        byRequest
                .computeIfAbsent(m.event().requestId(), k -> new CopyOnWriteArrayList<>())
                .add(m);
        String clientId = m.event().clientRequestId();
        if (clientId != null && !clientId.equals(m.event().requestId())) {
            byRequest
                    .computeIfAbsent(clientId, k -> new CopyOnWriteArrayList<>())
                    .add(m);
        }
    }

    /** Waits (up to 10 s) for the request's record and returns every record made for it. */
    public List<LedgerUsageSink.Metered> awaitFor(String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<LedgerUsageSink.Metered> l = byRequest.get(requestId);
            if (l != null && !l.isEmpty()) {
                try {
                    Thread.sleep(200); // let a (wrong) second record show up too
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new ArrayList<>(byRequest.get(requestId));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("no usage recorded for request " + requestId + " within 10 s");
    }

    /** The single record of a request; fails when there is none or more than one. */
    public LedgerUsageSink.Metered single(String requestId) {
        List<LedgerUsageSink.Metered> l = awaitFor(requestId);
        if (l.size() != 1) {
            throw new AssertionError("expected exactly one usage record for " + requestId + ", got " + l.size());
        }
        return l.get(0);
    }
}
