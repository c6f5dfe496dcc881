package io.ascendant.gateway.metering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of a previous run's journal entries the replay records in the usage ledger. A request has at most one usage
 * row (the ledger is idempotent by request id: the first row recorded wins), so the row must be the right one: a
 * request's final record when the journal holds one, otherwise (the gateway died while its stream was relaying) its
 * last checkpoint, in write order. Every other checkpoint is superseded and never recorded: recording it first would
 * make the ledger drop the final record as a duplicate.
 *
 * <p>Use: {@link #scan} every leftover segment in write order, then ask {@link #toRecord} for each. Not thread-safe
 * (the replay thread's).
 */
final class UsageJournalReplay {

    private record Position(int segment, int index) {}

    private final Set<String> finals = new HashSet<>();
    private final Map<String, Position> lastCheckpoint = new HashMap<>();

    /**
     * Notes the entries of one segment.
     *
     * @param segment the segment's place in write order (0 for the oldest); segments are scanned in that order
     */
    void scan(int segment, List<UsageJournal.Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            UsageJournal.Entry e = entries.get(i);
            String id = e.event().requestId();
            if (e.checkpoint()) {
                lastCheckpoint.put(id, new Position(segment, i));
            } else {
                finals.add(id);
            }
        }
    }

    /**
     * The entries of a scanned segment that are to be recorded, in their order: its final records, and the
     * checkpoints that are the last of a request without a final record.
     */
    List<UsageJournal.Entry> toRecord(int segment, List<UsageJournal.Entry> entries) {
        List<UsageJournal.Entry> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            UsageJournal.Entry e = entries.get(i);
            if (!e.checkpoint() || isLastCheckpointOfUnfinished(e.event().requestId(), segment, i)) {
                out.add(e);
            }
        }
        return out;
    }

    private boolean isLastCheckpointOfUnfinished(String requestId, int segment, int index) {
        return !finals.contains(requestId) && new Position(segment, index).equals(lastCheckpoint.get(requestId));
    }
}
