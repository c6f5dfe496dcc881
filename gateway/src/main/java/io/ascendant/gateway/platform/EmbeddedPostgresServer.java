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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
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
 * <p>Every failure an operator can fix becomes a {@link PlatformStartupException} with one sentence. What is checked
 * and prepared on disk is {@link PostgresDataDirectory}; the command lines and signals are {@link PostgresProcesses}.
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
            boolean fresh = PostgresDataDirectory.isEmpty(dataDir);
            if (!fresh) {
                PostgresDataDirectory.check(settings);
                PostgresDataDirectory.stopOrphanedPostmaster(dataDir);
            }
            checkPortFree(settings.port());
            Path binaries = PostgresBinaries.ensureUnpacked(settings.cacheDir());
            String password = fresh
                    ? PostgresDataDirectory.initialise(settings, binaries)
                    : PostgresDataDirectory.readPassword(settings);
            Process process = PostgresProcesses.launch(settings, binaries);
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
                PostgresProcesses.signal(process.pid(), "INT");
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    LOG.warnf("PostgreSQL did not stop within %d s; sending SIGQUIT", STOP_TIMEOUT.toSeconds());
                    PostgresProcesses.signal(process.pid(), "QUIT");
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
