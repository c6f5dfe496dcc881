package io.ascendant.gateway.metering;

import static io.ascendant.gateway.metering.UsageJournalTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which leftover journal entries a replay records: each request's final record, or else its last checkpoint. */
class UsageJournalReplayTest {

    private static UsageJournal.Entry checkpoint(String id, long out) {
        return new UsageJournal.Entry(event(id, 10, out), List.of(), true);
    }

    private static UsageJournal.Entry last(String id, long out) {
        return new UsageJournal.Entry(event(id, 10, out), List.of());
    }

    @Test
    void theFinalRecordWinsOverEveryCheckpointWhereverTheyAre() {
        List<UsageJournal.Entry> first = List.of(checkpoint("s", 5), checkpoint("s", 8));
        List<UsageJournal.Entry> second = List.of(checkpoint("s", 11), last("s", 20));
        UsageJournalReplay replay = new UsageJournalReplay();
        replay.scan(0, first);
        replay.scan(1, second);
        assertThat(replay.toRecord(0, first)).isEmpty();
        assertThat(replay.toRecord(1, second)).containsExactly(last("s", 20));
    }

    @Test
    void aRequestWithOnlyCheckpointsIsRecordedFromItsLastOne() {
        List<UsageJournal.Entry> first = List.of(checkpoint("s", 5), last("a", 3), checkpoint("s", 8));
        List<UsageJournal.Entry> second = List.of(checkpoint("t", 2), checkpoint("s", 13), checkpoint("t", 4));
        UsageJournalReplay replay = new UsageJournalReplay();
        replay.scan(0, first);
        replay.scan(1, second);
        assertThat(replay.toRecord(0, first)).containsExactly(last("a", 3));
        assertThat(replay.toRecord(1, second)).containsExactly(checkpoint("s", 13), checkpoint("t", 4));
    }

    @Test
    void finalRecordsWithoutCheckpointsAreAllRecordedInOrder() {
        List<UsageJournal.Entry> only = List.of(last("a", 1), last("b", 2), last("c", 3));
        UsageJournalReplay replay = new UsageJournalReplay();
        replay.scan(0, only);
        assertThat(replay.toRecord(0, only)).containsExactlyElementsOf(only);
    }

    @Test
    void aSegmentOfSupersededCheckpointsHasNothingToRecord() {
        List<UsageJournal.Entry> first = List.of(checkpoint("s", 5), checkpoint("t", 1));
        List<UsageJournal.Entry> second = List.of(checkpoint("s", 9), last("t", 4));
        UsageJournalReplay replay = new UsageJournalReplay();
        replay.scan(0, first);
        replay.scan(1, second);
        assertThat(replay.toRecord(0, first)).isEmpty();
        assertThat(replay.toRecord(1, second)).containsExactly(checkpoint("s", 9), last("t", 4));
    }
}
