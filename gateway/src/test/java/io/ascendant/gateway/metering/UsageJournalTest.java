package io.ascendant.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.admission.HeldBudget;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageJournalTest {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @TempDir
    Path dir;

    static UsageEvent event(String id, long miss, long out) {
        return new UsageEvent(
                id,
                UUID.fromString("00000000-0000-7000-8000-00000000a001"),
                UUID.fromString("00000000-0000-7000-8000-00000000b001"),
                UUID.fromString("00000000-0000-7000-8000-00000000c001"),
                "deepseek-v4-flash",
                "http://127.0.0.1:8090",
                3,
                miss,
                out,
                1,
                UsageStatus.COMPLETED,
                false,
                Instant.parse("2026-11-30T05:00:00.123456Z"),
                Instant.parse("2026-11-30T05:00:01.5Z"));
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void entriesRoundTripExactlyWithTheirHolds() throws Exception {
        HeldBudget hold = new HeldBudget(42, UUID.randomUUID(), new BigDecimal("0.012300"), true);
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            j.append(new UsageJournal.Entry(event("req-1", 10, 20), List.of(hold)));
            j.append(new UsageJournal.Entry(event("req-2", 11, 21), List.of()));
            j.sync();
            assertThat(segments()).hasSize(1);
            UsageJournal.Contents c = UsageJournal.read(segments().getFirst(), JSON);
            assertThat(c.skippedLines()).isZero();
            assertThat(c.entries())
                    .containsExactly(
                            new UsageJournal.Entry(event("req-1", 10, 20), List.of(hold)),
                            new UsageJournal.Entry(event("req-2", 11, 21), List.of()));
            assertThat(c.entries().getFirst().holds().getFirst().held()).isEqualTo("0.012300");
        }
    }

    @Test
    void aLineIsTheJsonThatDataBindingWritesForItsEntry() throws Exception {
        UsageEvent e3 = event("req-3", 12, 22);
        UsageEvent full = new UsageEvent(
                e3.requestId(),
                e3.tenantId(),
                e3.projectId(),
                e3.keyId(),
                e3.model(),
                "deepseek-v4-pro",
                e3.hostPod(),
                e3.promptCacheHitTokens(),
                e3.promptCacheMissTokens(),
                e3.completionTokens(),
                e3.reasoningTokens(),
                e3.status(),
                e3.countedByGateway(),
                e3.startedAt(),
                e3.finishedAt(),
                "client \"id\" \u00e9");
        UsageEvent sparse = new UsageEvent(
                "req-4",
                UUID.randomUUID(),
                UUID.randomUUID(),
                UUID.randomUUID(),
                "deepseek-v4-pro",
                null,
                null,
                0,
                0,
                0,
                0,
                UsageStatus.FAILED,
                true,
                Instant.parse("2026-11-30T05:00:00Z"),
                Instant.parse("2026-11-30T05:00:00Z"));
        HeldBudget money = new HeldBudget(7, UUID.randomUUID(), new BigDecimal("12.5000"), true);
        HeldBudget tokens = new HeldBudget(8, UUID.randomUUID(), new BigDecimal("4096"), false);
        UsageJournalLines lines = new UsageJournalLines(JSON.getFactory());
        for (UsageJournal.Entry e : List.of(
                new UsageJournal.Entry(full, List.of(money, tokens)),
                new UsageJournal.Entry(sparse, List.of()),
                new UsageJournal.Entry(full, List.of(money), true))) {
            assertThat(new String(lines.write(e), StandardCharsets.UTF_8)).isEqualTo(JSON.writeValueAsString(e));
            assertThat(JSON.readValue(lines.write(e), UsageJournal.Entry.class)).isEqualTo(e);
        }
    }

    @Test
    void aSealedSegmentIsDeletedOnceEveryRecordIsAcknowledged() throws Exception {
        long lineBytes;
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            j.append(new UsageJournal.Entry(event("probe", 1, 1), List.of()));
            lineBytes = Files.size(segments().getFirst());
        }
        Files.delete(segments().getFirst());
        // Two records fit in a segment: the third starts a new one and seals the first.
        try (UsageJournal j = UsageJournal.open(dir, JSON, 2 * lineBytes + 1, 60_000)) {
            UsageJournal.Segment a = j.append(new UsageJournal.Entry(event("req-a", 1, 1), List.of()));
            UsageJournal.Segment b = j.append(new UsageJournal.Entry(event("req-b", 1, 1), List.of()));
            UsageJournal.Segment c = j.append(new UsageJournal.Entry(event("req-c", 1, 1), List.of()));
            assertThat(a).isSameAs(b);
            assertThat(c).isNotSameAs(a);
            assertThat(segments()).hasSize(2);
            j.acknowledged(a);
            assertThat(Files.exists(a.file()))
                    .as("one record still unacknowledged")
                    .isTrue();
            j.acknowledged(b);
            assertThat(Files.exists(a.file()))
                    .as("sealed and fully acknowledged")
                    .isFalse();
            assertThat(Files.exists(c.file())).as("the open segment stays").isTrue();
        }
    }

    @Test
    void aFinalLineWrittenBeforeCheckpointsExistedReadsAsAFinalRecord() throws Exception {
        String old = "{\"event\":{\"requestId\":\"req-old\",\"tenantId\":\"00000000-0000-7000-8000-00000000a001\","
                + "\"projectId\":\"00000000-0000-7000-8000-00000000b001\",\"keyId\":\"00000000-0000-7000-8000-00000000c001\","
                + "\"model\":\"deepseek-v4-flash\",\"priceTier\":null,"
                + "\"hostPod\":null,\"promptCacheHitTokens\":0,\"promptCacheMissTokens\":7,\"completionTokens\":3,"
                + "\"reasoningTokens\":0,\"status\":\"COMPLETED\",\"countedByGateway\":false,"
                + "\"startedAt\":\"2026-11-30T05:00:00Z\",\"finishedAt\":\"2026-11-30T05:00:01Z\"},\"holds\":[]}\n";
        Path segment = dir.resolve("usage-000000000001.jsonl");
        Files.writeString(segment, old, StandardCharsets.UTF_8);
        UsageJournal.Contents c = UsageJournal.read(segment, JSON);
        assertThat(c.skippedLines()).isZero();
        assertThat(c.entries()).singleElement().satisfies(e -> {
            assertThat(e.checkpoint()).isFalse();
            assertThat(e.event().requestId()).isEqualTo("req-old");
            assertThat(e.event().completionTokens()).isEqualTo(3);
        });
    }

    @Test
    void aSegmentHoldingARunningStreamsLatestCheckpointIsKeptUntilSupersededOrReleased() throws Exception {
        long lineBytes;
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            j.checkpoint(new UsageJournal.Entry(event("probe", 1, 1), List.of(), true), () -> true);
            lineBytes = Files.size(segments().getFirst());
        }
        Files.delete(segments().getFirst());
        // One line per segment: every append seals the previous segment.
        try (UsageJournal j = UsageJournal.open(dir, JSON, lineBytes + 1, 60_000)) {
            assertThat(j.checkpoint(new UsageJournal.Entry(event("stream-1", 1, 5), List.of(), true), () -> true))
                    .isTrue();
            Path first = segments().getFirst();
            UsageJournal.Segment other = j.append(new UsageJournal.Entry(event("req-x", 1, 1), List.of()));
            j.acknowledged(other);
            assertThat(Files.exists(first))
                    .as("sealed, nothing to acknowledge, but the stream's latest checkpoint")
                    .isTrue();
            j.checkpoint(new UsageJournal.Entry(event("stream-1", 1, 9), List.of(), true), () -> true);
            assertThat(Files.exists(first))
                    .as("its only checkpoint is superseded")
                    .isFalse();
            Path second = segments().getFirst();
            UsageJournal.Segment last = j.append(new UsageJournal.Entry(event("stream-1", 1, 12), List.of()));
            assertThat(Files.exists(second))
                    .as("sealed, but the running stream's latest checkpoint")
                    .isTrue();
            j.released("stream-1");
            assertThat(Files.exists(second))
                    .as("the stream ended: its checkpoint no longer keeps the segment")
                    .isFalse();
            j.acknowledged(last);
            assertThat(segments()).as("only the open segment").containsExactly(last.file());
        }
    }

    @Test
    void aCheckpointIsNotWrittenOnceItsRequestStoppedRunning() throws Exception {
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            assertThat(j.checkpoint(new UsageJournal.Entry(event("ended", 1, 5), List.of(), true), () -> false))
                    .isFalse();
            j.append(new UsageJournal.Entry(event("other", 1, 1), List.of()));
            assertThat(UsageJournal.read(segments().getFirst(), JSON).entries())
                    .extracting(e -> e.event().requestId())
                    .containsExactly("other");
        }
    }

    @Test
    void anIdleFullyAcknowledgedSegmentIsSealedAndDeletedBySync() throws Exception {
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 0)) {
            UsageJournal.Segment s = j.append(new UsageJournal.Entry(event("req-1", 1, 1), List.of()));
            j.sync();
            assertThat(Files.exists(s.file())).as("a record is unacknowledged").isTrue();
            j.acknowledged(s);
            Thread.sleep(2);
            j.sync();
            assertThat(segments()).isEmpty();
        }
    }

    @Test
    void retainedAndUnacknowledgedRecordsAreTheNextRunsLeftovers() throws Exception {
        UsageJournal.Segment s;
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 0)) {
            s = j.append(new UsageJournal.Entry(event("req-lost", 5, 6), List.of()));
            UsageJournal.Segment t = j.append(new UsageJournal.Entry(event("req-committed", 5, 6), List.of()));
            j.retain(s);
            j.acknowledged(t);
        }
        assertThat(Files.exists(s.file()))
                .as("a retained record keeps its segment")
                .isTrue();
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 0)) {
            assertThat(j.leftovers()).containsExactly(s.file());
            UsageJournal.Segment next = j.append(new UsageJournal.Entry(event("req-new", 1, 1), List.of()));
            assertThat(next.file().getFileName().toString())
                    .as("new segments never reuse a leftover's name")
                    .isGreaterThan(s.file().getFileName().toString());
            j.discard(s.file());
            assertThat(Files.exists(s.file())).isFalse();
        }
    }

    @Test
    void aTornLastLineIsIgnoredAndAGarbledLineIsCounted() throws Exception {
        Path segment;
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            segment = j.append(new UsageJournal.Entry(event("req-1", 1, 2), List.of()))
                    .file();
        }
        Files.writeString(segment, "{not json}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(
                segment, "{\"event\":{\"requestId\":\"req-torn", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        UsageJournal.Contents c = UsageJournal.read(segment, JSON);
        assertThat(c.entries()).extracting(e -> e.event().requestId()).containsExactly("req-1");
        assertThat(c.skippedLines()).isEqualTo(1);
    }

    @Test
    void keepsTheRoutesPriceTierThroughTheJournal() throws Exception {
        UsageEvent tiered = new UsageEvent(
                "req-tiered",
                UUID.fromString("00000000-0000-7000-8000-00000000a001"),
                UUID.fromString("00000000-0000-7000-8000-00000000b001"),
                UUID.fromString("00000000-0000-7000-8000-00000000c001"),
                "deepseek-v4-window",
                "deepseek-v4-pro",
                "http://127.0.0.1:8090",
                3,
                10,
                20,
                1,
                UsageStatus.COMPLETED,
                false,
                Instant.parse("2026-11-30T05:00:00.123456Z"),
                Instant.parse("2026-11-30T05:00:01.5Z"));
        Path segment;
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            segment = j.append(new UsageJournal.Entry(tiered, List.of())).file();
        }
        UsageJournal.Contents c = UsageJournal.read(segment, JSON);
        assertThat(c.entries()).extracting(UsageJournal.Entry::event).containsExactly(tiered);
        assertThat(c.entries().getFirst().event().priceTier()).isEqualTo("deepseek-v4-pro");
    }

    @Test
    void keepsTheClientsRequestIdBesideTheGatewaysThroughTheJournal() throws Exception {
        UsageEvent e = event("req_00112233445566778899aabb", 10, 20);
        UsageEvent withClientId = new UsageEvent(
                e.requestId(),
                e.tenantId(),
                e.projectId(),
                e.keyId(),
                e.model(),
                e.priceTier(),
                e.hostPod(),
                e.promptCacheHitTokens(),
                e.promptCacheMissTokens(),
                e.completionTokens(),
                e.reasoningTokens(),
                e.status(),
                e.countedByGateway(),
                e.startedAt(),
                e.finishedAt(),
                "t6-free");
        Path segment;
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            segment = j.append(new UsageJournal.Entry(withClientId, List.of())).file();
        }
        UsageJournal.Contents c = UsageJournal.read(segment, JSON);
        assertThat(c.entries()).extracting(UsageJournal.Entry::event).containsExactly(withClientId);
        assertThat(c.entries().getFirst().event().clientRequestId()).isEqualTo("t6-free");
        assertThat(c.entries().getFirst().event().requestId()).isEqualTo("req_00112233445566778899aabb");
    }

    @Test
    void replaysAnEntryWrittenBeforeThePriceTierAsPricedByItsModel() throws Exception {
        // A line exactly as gateways before the price tier wrote it: no priceTier field.
        String old = "{\"event\":{\"requestId\":\"req-old\",\"tenantId\":\"00000000-0000-7000-8000-00000000a001\","
                + "\"projectId\":\"00000000-0000-7000-8000-00000000b001\","
                + "\"keyId\":\"00000000-0000-7000-8000-00000000c001\",\"model\":\"deepseek-v4-flash\","
                + "\"hostPod\":\"http://127.0.0.1:8090\",\"promptCacheHitTokens\":3,\"promptCacheMissTokens\":10,"
                + "\"completionTokens\":20,\"reasoningTokens\":1,\"status\":\"COMPLETED\",\"countedByGateway\":false,"
                + "\"startedAt\":\"2026-11-30T05:00:00.123456Z\",\"finishedAt\":\"2026-11-30T05:00:01.5Z\"},"
                + "\"holds\":[{\"accountId\":42,\"replicaId\":\"00000000-0000-7000-8000-00000000d001\","
                + "\"held\":0.012300,\"money\":true}]}\n";
        Path segment = dir.resolve("old.jsonl");
        Files.writeString(segment, old, StandardCharsets.UTF_8);

        UsageJournal.Contents c = UsageJournal.read(segment, JSON);

        assertThat(c.skippedLines()).isZero();
        UsageEvent e = c.entries().getFirst().event();
        assertThat(e).isEqualTo(event("req-old", 10, 20));
        assertThat(e.priceTier()).as("a missing tier is the model").isEqualTo("deepseek-v4-flash");
        assertThat(e.clientRequestId())
                .as("lines before the client id was journalled have none")
                .isNull();
        assertThat(c.entries().getFirst().holds()).singleElement().satisfies(h -> {
            assertThat(h.accountId()).isEqualTo(42);
            assertThat(h.held()).isEqualByComparingTo("0.0123");
        });
    }

    @Test
    void aSecondProcessCannotOpenALockedJournal() throws Exception {
        // FileChannel locks are per process; a second JVM plays the second gateway.
        try (UsageJournal j = UsageJournal.open(dir, JSON, 1 << 20, 60_000)) {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            JournalLockProbe.class.getName(),
                            dir.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isEqualTo(3);
            assertThat(out).contains("is in use by another gateway process").contains(dir.toString());
        }
    }
}
