package io.ascendant.gateway.metering;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.gateway.admission.HeldBudget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The gateway's local write-ahead journal of usage records: one JSON line per request, appended before the answer's
 * last byte leaves, so that the usage of an answered request survives a crash of the gateway process (the written
 * bytes are in the operating system's page cache; {@link #sync} forces them to disk for power loss) while the usage
 * ledger's PostgreSQL commit happens in the background.
 *
 * <p>Files: {@code usage-<sequence>.jsonl} segments in one directory, owned by one process ({@code journal.lock}).
 * A segment is deleted once it is sealed (full, or idle and fully acknowledged) and every record in it was
 * {@linkplain #acknowledged acknowledged} by the ledger; a record the ledger could not take is {@linkplain #retain
 * retained}, which keeps its segment for the next start. Segments found when the journal opens are the previous
 * run's {@linkplain #leftovers() leftovers}: the caller replays them into the ledger (idempotent by request id, so a
 * record that was committed before the crash is not charged twice) and then {@linkplain #discard discards} them.
 *
 * <p>Streams also leave {@linkplain #checkpoint checkpoints} while they relay (the usage delivered so far), so that
 * a crash bills what their clients already received; a request's final record supersedes its checkpoints, and a
 * segment is kept while it holds the latest checkpoint of a running stream. The replay records a request's final
 * record, or its last checkpoint when it has none ({@link UsageJournalReplay}).
 *
 * <p>Thread-safe; appends are serialised (one {@code write} system call each, a few microseconds).
 */
public final class UsageJournal implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UsageJournal.class);
    private static final Pattern SEGMENT = Pattern.compile("usage-(\\d{12})\\.jsonl");

    /**
     * One journal line: the usage event and the budget holds its request had.
     *
     * @param checkpoint true for a stream's checkpoint (the usage delivered so far while it was still relaying,
     *     written by {@link #checkpoint}); false for the request's final record. Lines written before checkpoints
     *     existed have no such field and read as final records.
     */
    public record Entry(
            UsageEvent event,
            List<HeldBudget> holds,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean checkpoint) {
        public Entry {
            holds = holds == null ? List.of() : List.copyOf(holds);
        }

        /** A request's final record. */
        public Entry(UsageEvent event, List<HeldBudget> holds) {
            this(event, holds, false);
        }
    }

    /** What {@link #read} found in a segment. */
    public record Contents(List<Entry> entries, int skippedLines) {}

    /** An open or sealed segment; the handle {@link #append} returns for {@link #acknowledged}/{@link #retain}. */
    public static final class Segment {
        private final Path file;
        private final FileChannel channel;
        private final long openedAtNanos = System.nanoTime();
        private long bytes;
        private int pending;
        /** Running streams whose latest checkpoint is in this segment: it is kept while they run. */
        private int checkpoints;

        private boolean sealed;
        private boolean retained;
        private boolean deleted;

        private Segment(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /** The segment's file. */
        public Path file() {
            return file;
        }
    }

    private final Path dir;
    private final UsageJournalLines lines;
    private final long segmentBytes;
    private final long idleSealNanos;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Path> leftovers;
    /** Request id of a running stream to the segment holding its latest checkpoint. */
    private final Map<String, Segment> checkpointed = new HashMap<>();

    private long nextSequence;
    private Segment current;
    private boolean closed;
    private boolean dirty;

    private UsageJournal(
            Path dir,
            ObjectMapper json,
            long segmentBytes,
            long idleSealNanos,
            FileChannel lockChannel,
            FileLock lock,
            List<Path> leftovers,
            long nextSequence) {
        this.dir = dir;
        this.lines = new UsageJournalLines(json.getFactory());
        this.segmentBytes = segmentBytes;
        this.idleSealNanos = idleSealNanos;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.leftovers = leftovers;
        this.nextSequence = nextSequence;
    }

    /**
     * Opens (creating) the journal in {@code dir} and takes its lock.
     *
     * @param json a mapper that writes {@link UsageEvent} (UUIDs, {@code Instant}s as ISO-8601 strings)
     * @param segmentBytes size after which a segment is sealed and a new one started
     * @param idleSealMillis an open segment whose every record was acknowledged is sealed (and deleted) after this
     *     long, so an idle gateway keeps no journal
     * @throws IOException when the directory cannot be created or locked; {@link IllegalStateException} when another
     *     process holds it
     */
    public static UsageJournal open(Path dir, ObjectMapper json, long segmentBytes, long idleSealMillis)
            throws IOException {
        Files.createDirectories(dir);
        FileChannel lockChannel =
                FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("The usage journal " + dir + " is in use by another gateway process;"
                    + " give each gateway replica its own gateway.metering.journal-dir.");
        }
        List<Path> found = segments(dir);
        long next = 1;
        for (Path p : found) {
            next = Math.max(next, sequenceOf(p) + 1);
        }
        return new UsageJournal(
                dir, json, segmentBytes, idleSealMillis * 1_000_000L, lockChannel, lock, List.copyOf(found), next);
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** Segments left by a previous run (in write order), to replay and then {@link #discard}. */
    public List<Path> leftovers() {
        return leftovers;
    }

    /**
     * Appends one record (one {@code write}; not forced to disk, see {@link #sync}).
     *
     * @return the segment to pass to {@link #acknowledged} or {@link #retain} once the ledger has answered
     * @throws IOException when the line cannot be written (disk full, closed journal): the caller must then wait
     *     for the ledger itself
     */
    public Segment append(Entry entry) throws IOException {
        ByteBuffer buf = line(entry);
        synchronized (this) {
            Segment s = write(buf);
            s.pending++;
            return s;
        }
    }

    /**
     * Appends a running stream's checkpoint (one {@code write}, like {@link #append}), unless its request has ended
     * meanwhile. The segment holding a request's latest checkpoint is kept (not deleted when its records are
     * acknowledged) until a newer checkpoint is written or the request is {@linkplain #released released}; a
     * checkpoint is never acknowledged by the ledger, since the ledger records it only in a replay after a crash.
     *
     * @param running checked under the journal's lock just before the write: the request's final record, appended
     *     after it stopped running, can therefore never precede one of its checkpoints in the journal
     * @return whether the line was written
     * @throws IOException when the line cannot be written
     */
    public boolean checkpoint(Entry entry, BooleanSupplier running) throws IOException {
        ByteBuffer buf = line(entry);
        String id = entry.event().requestId();
        synchronized (this) {
            if (!running.getAsBoolean()) {
                return false;
            }
            Segment s = write(buf);
            Segment previous = checkpointed.put(id, s);
            if (previous != s) {
                s.checkpoints++;
                if (previous != null) {
                    previous.checkpoints--;
                    deleteIfDone(previous);
                }
            }
            return true;
        }
    }

    /**
     * The stream of {@code requestId} ended (its final record, if any, appended): its checkpoints are superseded and
     * no longer keep their segment. Does nothing for a request without checkpoints.
     */
    public synchronized void released(String requestId) {
        Segment s = checkpointed.remove(requestId);
        if (s != null) {
            s.checkpoints--;
            deleteIfDone(s);
        }
    }

    private ByteBuffer line(Entry entry) throws IOException {
        byte[] line = lines.write(entry);
        return ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    }

    /** Writes one line to the open segment, starting a new one when due; the caller holds the lock. */
    private Segment write(ByteBuffer buf) throws IOException {
        if (closed) {
            throw new IOException("usage journal " + dir + " is closed");
        }
        if (current != null && (current.bytes + buf.remaining() > segmentBytes || idleAndDone(current))) {
            seal(current);
            current = null;
        }
        if (current == null) {
            current = newSegment();
        }
        while (buf.hasRemaining()) {
            current.bytes += current.channel.write(buf);
        }
        dirty = true;
        return current;
    }

    /** The ledger committed a record of {@code s}. */
    public synchronized void acknowledged(Segment s) {
        s.pending--;
        deleteIfDone(s);
    }

    /** The ledger could not take a record of {@code s}: keep the segment for the replay at the next start. */
    public synchronized void retain(Segment s) {
        s.pending--;
        if (!s.retained) {
            LOG.warnf("usage journal segment %s is kept for a replay at the next start", s.file);
        }
        s.retained = true;
    }

    /**
     * Forces written records to disk and seals the open segment when it has been idle and fully acknowledged. Call
     * it periodically from a background thread.
     */
    public void sync() {
        Segment s;
        synchronized (this) {
            if (closed || current == null) {
                return;
            }
            if (idleAndDone(current)) {
                seal(current);
                current = null;
                return;
            }
            if (!dirty) {
                return;
            }
            dirty = false;
            s = current;
        }
        try {
            s.channel.force(false);
        } catch (IOException e) {
            LOG.warnf("usage journal %s could not be forced to disk: %s", s.file, e.getMessage());
        } catch (RuntimeException e) { // sealed and closed meanwhile (ClosedChannelException is an IOException)
            LOG.debugf("usage journal sync skipped: %s", e.getMessage());
        }
    }

    /** Deletes a replayed leftover segment. */
    public void discard(Path leftover) throws IOException {
        Files.deleteIfExists(leftover);
    }

    /**
     * Reads a segment. A last line without its newline (the process died while writing it) is ignored: its
     * answer's last byte had not left; an unreadable complete line is logged and counted.
     */
    public static Contents read(Path segment, ObjectMapper json) throws IOException {
        return UsageJournalLines.read(segment, json);
    }

    /** Seals the open segment (deleted when fully acknowledged) and releases the lock. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            seal(current);
            current = null;
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.debugf("usage journal lock release: %s", e.getMessage());
        }
    }

    private boolean idleAndDone(Segment s) {
        return s.pending == 0 && System.nanoTime() - s.openedAtNanos > idleSealNanos;
    }

    private Segment newSegment() throws IOException {
        Path file = dir.resolve("usage-%012d.jsonl".formatted(nextSequence++));
        FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new Segment(file, ch);
    }

    private void seal(Segment s) {
        s.sealed = true;
        try {
            if (s.pending > 0 || s.retained || s.checkpoints > 0) {
                s.channel.force(false);
            }
            s.channel.close();
        } catch (IOException e) {
            LOG.warnf("usage journal segment %s could not be closed: %s", s.file, e.getMessage());
        }
        deleteIfDone(s);
    }

    private void deleteIfDone(Segment s) {
        if (s.sealed && s.pending == 0 && s.checkpoints == 0 && !s.retained && !s.deleted) {
            s.deleted = true;
            try {
                Files.deleteIfExists(s.file);
            } catch (IOException e) { // replayed (idempotently) at the next start
                LOG.warnf("usage journal segment %s could not be deleted: %s", s.file, e.getMessage());
            }
        }
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                    .sorted()
                    .toList();
        }
    }

    private static long sequenceOf(Path segment) {
        Matcher m = SEGMENT.matcher(segment.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }
}
