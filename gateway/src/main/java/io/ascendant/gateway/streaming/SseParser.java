package io.ascendant.gateway.streaming;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream of Server-Sent Events into the {@code data} payloads of complete events. Chunks may cut an
 * event anywhere (even inside a UTF-8 sequence); the unfinished tail is kept until the next chunk. Accepts LF and
 * CRLF line ends; ignores comments, {@code event:}, {@code id:} and {@code retry:} lines. Single-threaded.
 */
public final class SseParser {
    private byte[] pending = new byte[0];

    /** Feeds a chunk; calls {@code onData} once per complete event that has data lines (lines joined by LF). */
    public void feed(Buffer chunk, Consumer<String> onData) {
        byte[] in = chunk.getBytes();
        byte[] buf;
        if (pending.length == 0) {
            buf = in;
        } else {
            buf = new byte[pending.length + in.length];
            System.arraycopy(pending, 0, buf, 0, pending.length);
            System.arraycopy(in, 0, buf, pending.length, in.length);
        }
        int eventStart = 0;
        int i = 0;
        while (i < buf.length) {
            int end = eventEnd(buf, i);
            if (end < 0) {
                i++;
                continue;
            }
            emit(buf, eventStart, i, onData);
            eventStart = end;
            i = end;
        }
        int rest = buf.length - eventStart;
        pending = new byte[rest];
        System.arraycopy(buf, eventStart, pending, 0, rest);
    }

    /** True when an unfinished event is buffered. */
    public boolean hasPartialEvent() {
        for (byte b : pending) {
            if (b != '\n' && b != '\r') {
                return true;
            }
        }
        return false;
    }

    /** If an event separator (blank line) starts at i, the index after it; otherwise -1. */
    private static int eventEnd(byte[] b, int i) {
        if (b[i] == '\n') {
            if (i + 1 < b.length && b[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < b.length && b[i + 1] == '\r' && b[i + 2] == '\n') {
                return i + 3;
            }
        } else if (b[i] == '\r' && i + 3 < b.length && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
            return i + 4;
        }
        return -1;
    }

    private static void emit(byte[] buf, int from, int to, Consumer<String> onData) {
        String event = new String(buf, from, to - from, StandardCharsets.UTF_8);
        StringBuilder data = null;
        for (String line : event.split("\r?\n")) {
            if (line.startsWith("data:")) {
                String value = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
        }
        if (data != null) {
            onData.accept(data.toString());
        }
    }
}
