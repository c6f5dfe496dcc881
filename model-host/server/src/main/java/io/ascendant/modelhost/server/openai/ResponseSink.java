package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a job's output goes. Implementations hand the writes to the connection's event loop; they may be called
 * from the scheduler thread and must not block.
 */
interface ResponseSink {
    /** Opens the stream now (200, text/event-stream, headers flushed) so the client knows it was admitted. */
    void open();

    /** One SSE event {@code data: <json>}. Opens the stream (200, text/event-stream) on first use. */
    void event(ObjectNode json);

    /** {@code data: [DONE]} and the end of the stream. */
    void done();

    /** A whole JSON answer with this status. */
    void json(int status, ObjectNode body);

    /** Whether the stream was already opened (status sent). */
    boolean started();
}
