package io.ascendant.gateway.metering;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.gateway.admission.HeldBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Writes and reads usage journal lines. A line is the JSON that Jackson's data binding writes for a {@link UsageJournal.Entry}
 * (record components by name, UUIDs and {@code Instant}s as ISO-8601 strings, amounts as JSON numbers), which
 * {@link UsageJournal#read} reads back with that data binding. Written with the streaming generator because the line
 * is written on the event loop at the end of every request, where bean serialization (property writers, serializer
 * lookups per field) was several percent of the loop's work per request. {@code UsageJournalTest} checks that a line
 * reads back as the entry it was written from.
 */
final class UsageJournalLines {

    private static final Logger LOG = Logger.getLogger(UsageJournal.class);

    private final JsonFactory factory;

    /** @param factory the factory of the mapper that reads the journal */
    UsageJournalLines(JsonFactory factory) {
        this.factory = factory;
    }

    /** The line of {@code entry}, without its newline. */
    byte[] write(UsageJournal.Entry entry) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler(), 512);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("event");
            writeEvent(g, entry.event());
            g.writeArrayFieldStart("holds");
            for (HeldBudget h : entry.holds()) {
                g.writeStartObject();
                g.writeNumberField("accountId", h.accountId());
                writeUuid(g, "replicaId", h.replicaId());
                if (h.held() == null) {
                    g.writeNullField("held");
                } else {
                    g.writeNumberField("held", h.held());
                }
                g.writeBooleanField("money", h.money());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (entry.checkpoint()) { // final records leave it out, as they did before checkpoints existed
                g.writeBooleanField("checkpoint", true);
            }
            g.writeEndObject();
        }
        byte[] line = out.toByteArray();
        out.release();
        return line;
    }

    /** See {@link UsageJournal#read}. */
    static UsageJournal.Contents read(Path segment, ObjectMapper json) throws IOException {
        byte[] all = Files.readAllBytes(segment);
        List<UsageJournal.Entry> entries = new ArrayList<>();
        int skipped = 0;
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] != '\n') {
                continue;
            }
            if (i > start) {
                try {
                    entries.add(json.readValue(all, start, i - start, UsageJournal.Entry.class));
                } catch (IOException | RuntimeException e) {
                    skipped++;
                    LOG.errorf(
                            "usage journal %s: unreadable record at byte %d (%s): %s",
                            segment,
                            start,
                            e.getMessage(),
                            new String(all, start, Math.min(i - start, 200), StandardCharsets.UTF_8));
                }
            }
            start = i + 1;
        }
        return new UsageJournal.Contents(entries, skipped);
    }

    private static void writeEvent(JsonGenerator g, UsageEvent e) throws IOException {
        g.writeStartObject();
        writeString(g, "requestId", e.requestId());
        writeUuid(g, "tenantId", e.tenantId());
        writeUuid(g, "projectId", e.projectId());
        writeUuid(g, "keyId", e.keyId());
        writeString(g, "model", e.model());
        writeString(g, "priceTier", e.priceTier());
        writeString(g, "hostPod", e.hostPod());
        g.writeNumberField("promptCacheHitTokens", e.promptCacheHitTokens());
        g.writeNumberField("promptCacheMissTokens", e.promptCacheMissTokens());
        g.writeNumberField("completionTokens", e.completionTokens());
        g.writeNumberField("reasoningTokens", e.reasoningTokens());
        writeString(g, "status", e.status() == null ? null : e.status().name());
        g.writeBooleanField("countedByGateway", e.countedByGateway());
        writeInstant(g, "startedAt", e.startedAt());
        writeInstant(g, "finishedAt", e.finishedAt());
        writeString(g, "clientRequestId", e.clientRequestId());
        g.writeEndObject();
    }

    private static void writeString(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }

    private static void writeUuid(JsonGenerator g, String name, UUID value) throws IOException {
        writeString(g, name, value == null ? null : value.toString());
    }

    private static void writeInstant(JsonGenerator g, String name, Instant value) throws IOException {
        writeString(g, name, value == null ? null : value.toString());
    }
}
