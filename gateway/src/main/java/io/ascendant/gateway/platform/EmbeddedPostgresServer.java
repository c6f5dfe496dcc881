package io.ascendant.gateway.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The platform's own PostgreSQL 17: a real server process on 127.0.0.1 with a persistent data directory, fsync and
 * synchronous commit on, password authentication (scram-sha-256, generated password in a 0600 file).
 *
 * <p>Lifecycle: {@link #start} takes an exclusive lock next to the data directory (a second instance gets a clear
 * error), stops an orphaned postmaster a killed predecessor left behind, initialises an empty directory, starts
 * {@code postgres} in its own session (so a terminal's Ctrl-C reaches only the JVM, which then stops the server
 * after the application), and waits until it accepts connections. {@link #close} asks for a fast shutdown
 * (SIGINT: sessions end, committed data is on disk), escalating only if the server does not stop. An {@link
 * OrphanGuard} stops the server if this JVM dies without running its shutdown hooks.
 *
 * <p>Every failure an operator can fix becomes a {@link PlatformStartupException} with one sentence.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** The superuser the platform connects as. */
    public static final String USER = "postgres";

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedPostgresSettings settings;
    private final Process process;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String password;
    private final OrphanGuard.Guard guard;
    private boolean closed;

    private EmbeddedPostgresServer(
            EmbeddedPostgresSettings settings,
            Process process,
            FileChannel lockChannel,
            FileLock lock,
            String password,
            OrphanGuard.Guard guard) {
        this.settings = settings;
        this.process = process;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.password = password;
        this.guard = guard;
    }

    /**
     * Starts the server (unpacking binaries and initialising the data directory on first use).
     *
     * @throws PlatformStartupException for a second instance, a port in use, a corrupt or foreign data directory,
     *     or a server that does not come up
     */
    public static EmbeddedPostgresServer start(EmbeddedPostgresSettings settings) {
        Path dataDir = settings.dataDir();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dataDir.getParent());
            lockChannel = FileChannel.open(settings.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockChannel);
            if (lock == null) {
                throw new PlatformStartupException("The embedded PostgreSQL on " + dataDir
                        + " is already running in another Ascendant process: stop it first (./ascendant down)"
                        + " or give this one its own ASCENDANT_HOME.");
            }
            boolean fresh = isEmpty(dataDir);
            if (!fresh) {
                checkDataDirectory(settings);
                stopOrphanedPostmaster(dataDir);
            }
            checkPortFree(settings.port());
            Path binaries = PostgresBinaries.ensureUnpacked(settings.cacheDir());
            String password = fresh ? initialise(settings, binaries) : readPassword(settings);
            Process process = launch(settings, binaries);
            OrphanGuard.Guard guard = OrphanGuard.watch(process.pid(), false, "INT");
            EmbeddedPostgresServer server =
                    new EmbeddedPostgresServer(settings, process, lockChannel, lock, password, guard);
            try {
                server.awaitReady();
                server.checkDurability();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.infof(
                    "Embedded PostgreSQL %s ready on 127.0.0.1:%d (data %s)",
                    PostgresBinaries.VERSION, settings.port(), dataDir);
            return server;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new PlatformStartupException(
                    "Could not prepare the embedded PostgreSQL in " + dataDir + " (" + e.getMessage()
                            + "): check that the directory is writable.",
                    e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + settings.port() + "/" + database;
    }

    /** The password of {@link #USER}. */
    public String password() {
        return password;
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return settings.port();
    }

    /** The postmaster's process id. */
    public long pid() {
        return process.pid();
    }

    /** Creates {@code database} (owned by {@link #USER}) unless it exists. */
    public void ensureDatabase(String database) {
        if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must match [a-z][a-z0-9_]{0,62}: " + database);
        }
        try (Connection c = connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            if (!rs.next()) {
                try (Statement create = c.createStatement()) {
                    create.execute("CREATE DATABASE " + database);
                }
                LOG.infof("Created database %s", database);
            }
        } catch (SQLException e) {
            throw new PlatformStartupException(
                    "Could not create database " + database + " in the embedded PostgreSQL (" + e.getMessage()
                            + "): see " + settings.logFile() + ".",
                    e);
        }
    }

    /** Opens a connection to {@code database}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Stops the server with a fast shutdown and releases the data-directory lock; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                signal(process.pid(), "INT");
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    LOG.warnf("PostgreSQL did not stop within %d s; sending SIGQUIT", STOP_TIMEOUT.toSeconds());
                    signal(process.pid(), "QUIT");
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            }
            LOG.infof("Embedded PostgreSQL stopped (data %s)", settings.dataDir());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            guard.release();
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("lock release failed", e);
            }
            closeQuietly(lockChannel);
        }
    }

    /** Null when another process, or another server object in this JVM, holds the lock. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void checkDataDirectory(EmbeddedPostgresSettings settings) throws IOException {
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
    private static void stopOrphanedPostmaster(Path dataDir) throws IOException {
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
            signal(pid, "INT");
            if (!awaitExit(handle.get(), Duration.ofSeconds(30))) {
                signal(pid, "QUIT");
                if (!awaitExit(handle.get(), Duration.ofSeconds(10))) {
                    signal(pid, "KILL");
                    awaitExit(handle.get(), Duration.ofSeconds(10));
                }
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private static boolean isPostgresOn(long pid, Path dataDir) {
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

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !handle.isAlive();
        }
    }

    private static void checkPortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        } catch (IOException e) {
            throw new PlatformStartupException("Port " + port
                    + " is already in use, so the embedded PostgreSQL cannot start: stop the program that uses it"
                    + " or set ASCENDANT_POSTGRES_PORT to a free port.");
        }
    }

    private static String initialise(EmbeddedPostgresSettings settings, Path binaries) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path passwordFile = settings.passwordFile();
        Files.deleteIfExists(passwordFile);
        Files.createFile(
                passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password + "\n");
        Files.createDirectories(settings.dataDir());
        List<String> command = new ArrayList<>(rootlessPrefix());
        command.addAll(List.of(
                binaries.resolve("bin/initdb").toString(),
                "-D",
                settings.dataDir().toString(),
                "-U",
                USER,
                "--pwfile=" + passwordFile,
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions"));
        LOG.infof("Initialising a new PostgreSQL data directory in %s", settings.dataDir());
        run(command, settings.logFile(), "initdb");
        return password;
    }

    private static String readPassword(EmbeddedPostgresSettings settings) throws IOException {
        return Files.readString(settings.passwordFile()).trim();
    }

    private static Process launch(EmbeddedPostgresSettings settings, Path binaries) throws IOException {
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
    private static List<String> rootlessPrefix() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            return List.of("/usr/bin/unshare", "-U");
        }
        return List.of();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = lastLogLine();
                if (tail.contains("could not bind") || tail.contains("Address already in use")) {
                    throw new PlatformStartupException("Port " + settings.port()
                            + " is already in use, so the embedded PostgreSQL cannot start: stop the program that"
                            + " uses it or set ASCENDANT_POSTGRES_PORT to a free port.");
                }
                throw new PlatformStartupException("PostgreSQL could not start from " + settings.dataDir()
                        + " (it said: \"" + tail + "\"), so the data directory may be corrupt: see "
                        + settings.logFile()
                        + ", then restore the directory from a backup or move it away to start with an empty"
                        + " database.");
            }
            try (Connection c = connect("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new PlatformStartupException(
                "PostgreSQL did not accept connections within " + START_TIMEOUT.toSeconds() + " s: see "
                        + settings.logFile() + ".",
                last);
    }

    private void checkDurability() {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
            rs.next();
            if (!"on".equals(rs.getString(1)) || !"on".equals(rs.getString(2))) {
                throw new IllegalStateException("embedded PostgreSQL runs with fsync=" + rs.getString(1)
                        + ", synchronous_commit=" + rs.getString(2) + "; both must be on");
            }
        } catch (SQLException e) {
            throw new PlatformStartupException(
                    "Could not check the embedded PostgreSQL's settings: see " + settings.logFile() + ".", e);
        }
    }

    private String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(settings.logFile(), StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).trim();
                if (line.contains("FATAL") || line.contains("PANIC")) {
                    return line;
                }
            }
            return lines.isEmpty() ? "" : lines.getLast().trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void run(List<String> command, Path log, String what) throws IOException {
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

    private static void signal(long pid, String signal) {
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

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
