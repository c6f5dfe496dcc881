package io.ascendant.gateway.testsupport;

import io.ascendant.gateway.platform.RequestIdFilter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * The lines one logger writes while a test runs, with the request ids of their MDC, at any level from {@code level}
 * up (the logger's level is lowered for as long as the capture is open). Use in try-with-resources; thread-safe.
 */
public final class LogCapture implements AutoCloseable {

    /**
     * One log line.
     *
     * @param level its level
     * @param message the formatted message
     * @param requestId the MDC's correlation id ({@link RequestIdFilter#MDC_KEY}), or null
     * @param gatewayId the MDC's gateway request id ({@link RequestIdFilter#GATEWAY_MDC_KEY}), or null
     */
    public record Line(Level level, String message, Object requestId, Object gatewayId) {}

    private final Logger logger;
    private final Level before;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext && record.getMessage() != null) {
                lines.add(new Line(
                        ext.getLevel(),
                        ext.getFormattedMessage(),
                        ext.getMdc(RequestIdFilter.MDC_KEY),
                        ext.getMdc(RequestIdFilter.GATEWAY_MDC_KEY)));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture(String loggerName, Level level) {
        this.logger = Logger.getLogger(loggerName);
        this.before = logger.getLevel();
        logger.setLevel(level);
        logger.addHandler(handler);
    }

    /** Starts capturing what {@code loggerName} (a class name) logs at {@code level} and above. */
    public static LogCapture of(String loggerName, Level level) {
        return new LogCapture(loggerName, level);
    }

    /** The lines so far (a live, thread-safe view). */
    public List<Line> lines() {
        return lines;
    }

    /** The lines so far whose MDC correlation id is {@code requestId}. */
    public List<Line> ofRequest(String requestId) {
        return lines.stream().filter(l -> requestId.equals(l.requestId())).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(before);
    }
}
