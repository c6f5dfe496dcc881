package io.ascendant.gateway.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The embedded PostgreSQL's data directory on disk, before the server starts: telling an empty directory from one to
 * reuse, refusing a corrupt, foreign-version or password-less one with a sentence the operator can act on, stopping a
 * postmaster a killed predecessor left running on it, and {@code initdb} with a generated password (kept in a 0600
 * file beside the directory).
 *
 * <p>Called by {@link EmbeddedPostgresServer#start} while it holds the data directory's lock, so no other Ascendant
 * process touches the directory meanwhile.
 */
final class PostgresDataDirectory {
    private static final Logger LOG = Logger.getLogger(PostgresDataDirectory.class);

    private PostgresDataDirectory() {}

    /** True for a missing directory or one with no entries (first start: initialise it). */
    static boolean isEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * Refuses to start on a directory that is not a complete data directory of the embedded major version, or whose
     * password file is missing.
     *
     * @throws PlatformStartupException saying what is wrong and how to recover
     */
    static void check(EmbeddedPostgresSettings settings) throws IOException {
        Path dataDir = settings.dataDir();
        Path versionFile = dataDir.resolve("PG_VERSION");
        String major = PostgresBinaries.VERSION.substring(0, PostgresBinaries.VERSION.indexOf('.'));
        if (!Files.isRegularFile(versionFile)) {
            throw new PlatformStartupException("The data directory " + dataDir
                    + " is not empty but is not a PostgreSQL data directory (no PG_VERSION), so it looks corrupt:"
                    + " restore it from a backup, or move it away to start with an empty database.");
        }
        String version = Files.readString(versionFile).trim();
        if (!version.equals(major)) {
            throw new PlatformStartupException("The data directory " + dataDir + " was created by PostgreSQL "
                    + version + " but Ascendant embeds PostgreSQL " + major
                    + ": upgrade it with pg_upgrade, or point ASCENDANT_POSTGRES_DATA_DIR elsewhere.");
        }
        if (!Files.isRegularFile(dataDir.resolve("global/pg_control"))
                || !Files.isRegularFile(dataDir.resolve("postgresql.conf"))) {
            throw new PlatformStartupException("The data directory " + dataDir
                    + " is incomplete (global/pg_control or postgresql.conf is missing), so it looks corrupt:"
                    + " restore it from a backup, or move it away to start with an empty database.");
        }
        if (!Files.isRegularFile(settings.passwordFile())) {
            throw new PlatformStartupException("The password file " + settings.passwordFile()
                    + " of the embedded PostgreSQL is missing: restore it from a backup, or move the data directory "
                    + dataDir + " away to start with an empty database.");
        }
    }

    /**
     * A postmaster.pid whose process still runs postgres on our data directory, while we hold the lock, means a
     * killed predecessor left the server behind: stop it. A pid file whose process is gone (or is something else)
     * is stale and removed.
     */
    static void stopOrphanedPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().trim());
        } catch (RuntimeException e) {
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isPresent() && isPostgresOn(pid, dataDir)) {
            LOG.warnf("Stopping an orphaned PostgreSQL (pid %d) left on %s by a previous run", pid, dataDir);
            PostgresProcesses.signal(pid, "INT");
            if (!awaitExit(handle.get(), Duration.ofSeconds(30))) {
                PostgresProcesses.signal(pid, "QUIT");
                if (!awaitExit(handle.get(), Duration.ofSeconds(10))) {
                    PostgresProcesses.signal(pid, "KILL");
                    awaitExit(handle.get(), Duration.ofSeconds(10));
                }
            }
        }
        Files.deleteIfExists(pidFile);
    }

    static boolean isPostgresOn(long pid, Path dataDir) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
            return cmdline.contains("postgres") && cmdline.contains(dataDir.toString());
        } catch (IOException e) {
            return ProcessHandle.of(pid)
                    .flatMap(h -> h.info().commandLine())
                    .map(c -> c.contains("postgres") && c.contains(dataDir.toString()))
                    .orElse(false);
        }
    }

    static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !handle.isAlive();
        }
    }

    /**
     * Initialises an empty data directory with {@code initdb} (scram-sha-256, UTF8, C locale) for {@link
     * EmbeddedPostgresServer#USER} with a new random password, written first to the 0600 password file.
     *
     * @return the password
     */
    static String initialise(EmbeddedPostgresSettings settings, Path binaries) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path passwordFile = settings.passwordFile();
        Files.deleteIfExists(passwordFile);
        Files.createFile(
                passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password + "\n");
        Files.createDirectories(settings.dataDir());
        List<String> command = new ArrayList<>(PostgresProcesses.rootlessPrefix());
        command.addAll(List.of(
                binaries.resolve("bin/initdb").toString(),
                "-D",
                settings.dataDir().toString(),
                "-U",
                EmbeddedPostgresServer.USER,
                "--pwfile=" + passwordFile,
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions"));
        LOG.infof("Initialising a new PostgreSQL data directory in %s", settings.dataDir());
        PostgresProcesses.run(command, settings.logFile(), "initdb");
        return password;
    }

    /** The password written by {@link #initialise}. */
    static String readPassword(EmbeddedPostgresSettings settings) throws IOException {
        return Files.readString(settings.passwordFile()).trim();
    }
}
