package io.ascendant.engine.config;

/** A {@code config.json} that is missing, malformed or inconsistent; the message names the file and the field. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
