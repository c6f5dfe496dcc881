package io.ascendant.gateway.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The operating-system side of the embedded PostgreSQL: the {@code postgres} command line the platform runs (its
 * durability settings are fixed here: fsync, synchronous commit and full-page writes on, 127.0.0.1 only), running as
 * an unprivileged user in a namespace when the JVM is root, one-shot tools such as {@code initdb}, and signals.
 * Output goes to the server's log file; nothing here reads it.
 */
final class PostgresProcesses {
    private static final Logger LOG = Logger.getLogger(PostgresProcesses.class);

    private PostgresProcesses() {}

    /**
     * Starts {@code postgres} on the settings' data directory and port, in its own session when {@code setsid} exists
     * (a terminal's Ctrl-C then reaches only the JVM, which stops the server after the application).
     */
    static Process launch(EmbeddedPostgresSettings settings, Path binaries) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // own session: a terminal's Ctrl-C must not reach postgres directly
        }
        command.addAll(rootlessPrefix());
        command.addAll(List.of(
                binaries.resolve("bin/postgres").toString(),
                "-D",
                settings.dataDir().toString(),
                "-p",
                Integer.toString(settings.port()),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=on",
                "-c",
                "synchronous_commit=on",
                "-c",
                "full_page_writes=on",
                "-c",
                "max_connections=200",
                "-c",
                "timezone=UTC",
                "-c",
                "log_timezone=UTC"));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(settings.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    /**
     * PostgreSQL refuses to run as root. As root (containers, CI) run it in a user namespace ({@code unshare -U},
     * as zonky does), where it is an unprivileged user; {@code unshare} execs, so the PID stays the server's.
     */
    static List<String> rootlessPrefix() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            return List.of("/usr/bin/unshare", "-U");
        }
        return List.of();
    }

    /**
     * Runs a one-shot tool to completion (at most 120 s), its output appended to {@code log}.
     *
     * @throws PlatformStartupException naming {@code what} if it fails, times out or is interrupted
     */
    static void run(List<String> command, Path log, String what) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new PlatformStartupException(
                        what + " failed while preparing the embedded PostgreSQL: see " + log + ".");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformStartupException(what + " was interrupted.", e);
        }
    }

    /** Sends {@code SIG<signal>} to {@code pid} with {@code kill}; a failure is logged, not thrown. */
    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warnf("Could not send SIG%s to %d: %s", signal, pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
