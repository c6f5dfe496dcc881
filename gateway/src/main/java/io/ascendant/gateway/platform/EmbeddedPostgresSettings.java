package io.ascendant.gateway.platform;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where and how the embedded PostgreSQL runs. Read from system properties, then environment variables, before
 * Quarkus boots (so not from {@code application.properties}):
 *
 * <ul>
 *   <li>{@code ascendant.home} / {@code ASCENDANT_HOME}: state root, default {@code ~/.ascendant}
 *   <li>{@code ascendant.postgres.data-dir} / {@code ASCENDANT_POSTGRES_DATA_DIR}: default {@code
 *       <home>/data/postgres}; the password file {@code postgres.password}, the log {@code postgres.log} and the
 *       lock {@code postgres.lock} sit next to it
 *   <li>{@code ascendant.postgres.port} / {@code ASCENDANT_POSTGRES_PORT}: TCP port on 127.0.0.1, default 15432
 * </ul>
 *
 * @param home the Ascendant state root
 * @param dataDir the PostgreSQL data directory (created and initialised when empty)
 * @param port the TCP port PostgreSQL listens on, on 127.0.0.1 only
 * @param cacheDir where the PostgreSQL binaries are unpacked ({@code <home>/cache})
 */
public record EmbeddedPostgresSettings(Path home, Path dataDir, int port, Path cacheDir) {

    /** Default port of the embedded PostgreSQL (the launcher's default too). */
    public static final int DEFAULT_PORT = 15432;

    /** Reads the settings from {@code sys} first, then {@code env}, then the defaults. */
    public static EmbeddedPostgresSettings from(Map<String, String> env, Properties sys) {
        Path home = Path.of(first(
                        sys.getProperty("ascendant.home"),
                        env.get("ASCENDANT_HOME"),
                        sys.getProperty("user.home") + "/.ascendant"))
                .toAbsolutePath();
        Path dataDir = Path.of(first(
                        sys.getProperty("ascendant.postgres.data-dir"),
                        env.get("ASCENDANT_POSTGRES_DATA_DIR"),
                        home.resolve("data/postgres").toString()))
                .toAbsolutePath();
        String port = first(
                sys.getProperty("ascendant.postgres.port"),
                env.get("ASCENDANT_POSTGRES_PORT"),
                Integer.toString(DEFAULT_PORT));
        int parsed;
        try {
            parsed = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new PlatformStartupException(
                    "ASCENDANT_POSTGRES_PORT must be a port number between 1 and 65535, not '" + port + "'.");
        }
        if (parsed < 1 || parsed > 65535) {
            throw new PlatformStartupException(
                    "ASCENDANT_POSTGRES_PORT must be a port number between 1 and 65535, not " + parsed + ".");
        }
        return new EmbeddedPostgresSettings(home, dataDir, parsed, home.resolve("cache"));
    }

    /** The file holding the generated password of user {@code postgres} (mode 0600). */
    public Path passwordFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".password");
    }

    /** PostgreSQL's server log. */
    public Path logFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /** The lock held by the process that runs the server on {@link #dataDir()}. */
    public Path lockFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".lock");
    }

    private static String first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no default");
    }
}
