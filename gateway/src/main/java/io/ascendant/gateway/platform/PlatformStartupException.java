package io.ascendant.gateway.platform;

/**
 * A start-up failure an operator can fix: its message is one complete sentence that says what is wrong and what to
 * do, and is printed as is (no stack trace) by {@link GatewayMain} and the {@code ascendant} launcher.
 */
public class PlatformStartupException extends RuntimeException {

    /** Creates the exception; {@code sentence} is shown to the operator verbatim. */
    public PlatformStartupException(String sentence) {
        super(sentence);
    }

    /** Creates the exception with the underlying cause (kept for debug logs, never shown to the operator). */
    public PlatformStartupException(String sentence, Throwable cause) {
        super(sentence, cause);
    }
}
