package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ascendant.gateway.testsupport.SilentServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform's embedded PostgreSQL: durable, restartable, exclusive, and clear about what an operator must fix.
 * Each test uses its own data directory and a free port; binaries come from the machine-wide cache.
 */
class EmbeddedPostgresServerTest {

    @TempDir
    Path home;

    @Test
    void keepsRowsAcrossRestartWithFsyncAndSynchronousCommitOn() throws Exception {
        EmbeddedPostgresSettings settings = settings(freePort());
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings)) {
            server.ensureDatabase("ascendant");
            try (Connection c = server.connect("ascendant");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE survivor (id int PRIMARY KEY, note text)");
                s.execute("INSERT INTO survivor VALUES (1, 'written before restart')");
            }
        }
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings);
                Connection c = server.connect("ascendant");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT note, current_setting('fsync'),"
                        + " current_setting('synchronous_commit') FROM survivor WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("written before restart");
            assertThat(rs.getString(2)).isEqualTo("on");
            assertThat(rs.getString(3)).isEqualTo("on");
        }
        assertThat(Files.getPosixFilePermissions(settings.passwordFile()))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }

    @Test
    void refusesSecondInstanceOnSameDataDirectory() {
        EmbeddedPostgresSettings settings = settings(freePort());
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(settings)) {
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(settings))
                    .isInstanceOf(PlatformStartupException.class)
                    .hasMessageContaining("is already running in another Ascendant process")
                    .hasMessageContaining("./ascendant down");
            assertThat(first.pid()).isPositive();
        }
    }

    @Test
    void refusesPortAlreadyInUse() throws IOException {
        try (SilentServer taken = SilentServer.open()) {
            EmbeddedPostgresSettings settings = settings(taken.port());
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(settings))
                    .isInstanceOf(PlatformStartupException.class)
                    .hasMessage("Port " + taken.port()
                            + " is already in use, so the embedded PostgreSQL cannot start: stop the program that"
                            + " uses it or set ASCENDANT_POSTGRES_PORT to a free port.");
        }
    }

    @Test
    void refusesNonEmptyDirectoryThatIsNotPostgres() throws IOException {
        EmbeddedPostgresSettings settings = settings(freePort());
        Files.createDirectories(settings.dataDir());
        Files.writeString(settings.dataDir().resolve("notes.txt"), "not a database");

        assertThatThrownBy(() -> EmbeddedPostgresServer.start(settings))
                .isInstanceOf(PlatformStartupException.class)
                .hasMessageContaining("is not a PostgreSQL data directory")
                .hasMessageContaining("move it away to start with an empty database");
    }

    @Test
    void reportsCorruptDataDirectoryInOneSentence() throws IOException {
        EmbeddedPostgresSettings settings = settings(freePort());
        EmbeddedPostgresServer.start(settings).close();
        // Destroy the control file's contents: PostgreSQL refuses to start (checksum mismatch).
        Path control = settings.dataDir().resolve("global/pg_control");
        Files.write(control, new byte[(int) Files.size(control)]);

        assertThatThrownBy(() -> EmbeddedPostgresServer.start(settings))
                .isInstanceOf(PlatformStartupException.class)
                .hasMessageStartingWith("PostgreSQL could not start from " + settings.dataDir())
                .hasMessageContaining("may be corrupt")
                .hasMessageNotContaining("\n");
    }

    @Test
    void recoversAfterOwnerWasKilledAndLeftAnOrphanedPostmaster() throws Exception {
        EmbeddedPostgresSettings settings = settings(freePort());
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings)) {
            server.ensureDatabase("ascendant");
            try (Connection c = server.connect("ascendant");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE survivor (id int PRIMARY KEY)");
                s.execute("INSERT INTO survivor VALUES (42)");
            }
        }
        // A separate JVM runs the server; kill -9 it together with its watchdog, as a crash of the whole
        // process group would, so the postmaster is left orphaned.
        Process owner = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dascendant.home=" + settings.home(),
                        "-Dascendant.postgres.port=" + settings.port(),
                        GatewayMain.class.getName(),
                        "postgres")
                .redirectErrorStream(true)
                .start();
        awaitReadyLine(owner);
        long postmaster = readPostmasterPid(settings);
        List<ProcessHandle> children = owner.children().toList();
        for (ProcessHandle child : children) {
            if (child.pid() != postmaster) {
                child.destroyForcibly();
            }
        }
        owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).contains(true);

        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings);
                Connection c = server.connect("ascendant");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM survivor")) {
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
                    .isNotEqualTo(java.util.Optional.of(true));
            assertThat(server.pid()).isNotEqualTo(postmaster);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    private EmbeddedPostgresSettings settings(int port) {
        Path cache = Path.of(System.getProperty("user.home"), ".ascendant", "cache");
        return new EmbeddedPostgresSettings(home, home.resolve("data/postgres"), port, cache);
    }

    private static void awaitReadyLine(Process owner) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("READY ")) {
                return;
            }
        }
        throw new AssertionError("the owner JVM ended before READY:\n" + seen);
    }

    private static long readPostmasterPid(EmbeddedPostgresSettings settings) throws IOException {
        return Long.parseLong(Files.readAllLines(settings.dataDir().resolve("postmaster.pid"))
                .getFirst()
                .trim());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
