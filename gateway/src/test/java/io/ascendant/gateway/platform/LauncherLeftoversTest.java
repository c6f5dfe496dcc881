package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript;
import io.ascendant.gateway.testsupport.LauncherScript.Result;
import io.ascendant.gateway.testsupport.StandInInstallation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a part leaves running when only its leading process dies is still the launcher's: Keycloak's {@code kc.sh}
 * runs Java as its child, so killing {@code kc.sh} alone left that Java on Keycloak's ports, unseen by
 * {@code status} and {@code down}, and the next {@code up} refused the busy port. The launcher tracks each part's
 * process group; {@code down} stops what a killed leader left, {@code status} shows it, and a process of this
 * installation that holds one of its ports without a pid file is stopped by {@code down} too, while a program the
 * launcher did not start is named and left alone. Real processes throughout: the stand-in installation's
 * {@code kc.sh} runs its Java as a child, as Keycloak's does.
 */
class LauncherLeftoversTest {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void killingKcShAloneMakesUpStopEverythingKeycloaksJavaIncluded() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);
        Process launcher = installation.launcher().start(installation.env(), out(), err(), "up");
        processes.add(launcher);
        await("Ascendant is up", () -> read(out()).contains("Ascendant is up."));
        long kcSh = pid(installation, "keycloak");
        ProcessHandle java =
                ProcessHandle.of(kcSh).orElseThrow().children().findFirst().orElseThrow();
        pids.add(java.pid());

        ProcessHandle.of(kcSh).orElseThrow().destroy(); // SIGTERM to kc.sh only, as `kill <pid>` does

        assertThat(launcher.waitFor(90, TimeUnit.SECONDS))
                .as("the launcher stops")
                .isTrue();
        assertThat(launcher.exitValue()).isEqualTo(1);
        assertThat(java.onExit().get(30, TimeUnit.SECONDS).isAlive())
                .as("Keycloak's Java after its kc.sh was killed")
                .isFalse();
        assertThat(read(out()))
                .contains("keycloak stopped unexpectedly (killed by SIGTERM")
                .contains("stopping what keycloak left running (pid " + java.pid() + ", process group " + kcSh + ")");
        Result status = installation.launcher().run(installation.env(), "status");
        assertThat(status.stdout())
                .contains("keycloak  stopped\n")
                .containsPattern("last 'up' ended at \\S+Z: keycloak stopped unexpectedly \\(killed by SIGTERM; last"
                        + " log line: \".*\"; see " + installation.home() + "/logs/keycloak.log\\), so the launcher"
                        + " stopped the rest");
    }

    @Test
    void statusShowsAndDownStopsWhatAKilledLeaderLeftInItsProcessGroup() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path childPidFile = dir.resolve("child.pid");
        // A leader in its own process group (setsid, as `up` starts every part) with a child, like kc.sh and Java.
        ProcessBuilder builder =
                new ProcessBuilder("setsid", "sh", "-c", "sleep 600 & echo $! >'" + childPidFile + "'; wait");
        builder.environment().put("ASCENDANT_STARTED_FROM", home.toString()); // as spawn marks a part
        Process leader = builder.start();
        processes.add(leader);
        long child = awaitPid(childPidFile);
        Files.createDirectories(home.resolve("run"));
        Files.writeString(home.resolve("run/keycloak.pid"), leader.pid() + "\n");
        leader.destroyForcibly().waitFor(); // the leader dies on its own; its child stays in the group
        assertThat(alive(child)).isTrue();

        Result status = launcher(home).run(Map.of(), "status");

        assertThat(status.status()).isNotZero();
        assertThat(status.stdout())
                .contains("keycloak  LEFTOVER: pid " + leader.pid() + " is gone, but its process group still runs pid "
                        + child + " (sleep 600), connection refused on port ")
                .contains("; './ascendant down' stops it");

        Result down = launcher(home).run(Map.of(), "down");

        assertThat(down.status()).isZero();
        assertThat(down.stdout())
                .contains(
                        "stopping what keycloak left running (pid " + child + ", process group " + leader.pid() + ")");
        assertThat(ProcessHandle.of(child).map(h -> h.onExit().join().isAlive()).orElse(false))
                .isFalse();
        assertThat(launcher(home).run(Map.of(), "status").stdout()).contains("keycloak  stopped\n");
    }

    @Test
    void downStopsAProcessOfThisHomeThatHoldsItsPortWithoutAPidFile() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        int port = LauncherScript.freePort();
        // What an older launcher left: a server of this ASCENDANT_HOME on the gateway's port, no pid file names it.
        Process stray = server(port, "ASCENDANT_STARTED_FROM", home.toString()); // as spawn marks a part
        Map<String, String> ports = Map.of("ASCENDANT_GATEWAY_PORT", Integer.toString(port));

        Result status = launcher(home).run(ports, "status");
        assertThat(status.stdout())
                .contains("gateway   stopped, but port " + port + " is held by pid " + stray.pid() + " (")
                .contains("started from this ASCENDANT_HOME with no pid file naming it ('./ascendant down' stops it)");

        Result down = launcher(home).run(ports, "down");

        assertThat(down.status()).isZero();
        assertThat(down.stdout())
                .contains("stopping pid " + stray.pid() + " (")
                .contains("which holds port " + port + " with no pid file naming it");
        assertThat(stray.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(listening(port)).isFalse();
    }

    @Test
    void downLeavesAloneAProgramThatOnlyHasAscendantHomeInItsEnvironment() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        int port = LauncherScript.freePort();
        // An operator who exports ASCENDANT_HOME in a shell profile gives it to every program of that shell.
        Process other = server(port, "ASCENDANT_HOME", home.toString());
        Map<String, String> ports = Map.of("ASCENDANT_GATEWAY_PORT", Integer.toString(port));

        Result down = launcher(home).run(ports, "down");

        assertThat(down.stdout()).doesNotContain("stopping pid");
        assertThat(other.isAlive()).isTrue();
        assertThat(launcher(home).run(ports, "status").stdout())
                .contains("gateway   stopped, but port " + port + " is held by pid " + other.pid() + " (")
                .contains("which this launcher did not start (stop it with kill " + other.pid() + ")");
    }

    /** A JDK web server on 127.0.0.1:port with one extra environment variable, listening when this returns. */
    private Process server(int port, String variable, String value) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin/jwebserver")
                                .toString(),
                        "-b",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server-" + port + ".log").toFile());
        builder.environment().put(variable, value);
        Process server = builder.start();
        processes.add(server);
        await("the server listening on " + port, () -> listening(port));
        return server;
    }

    private LauncherScript launcher(Path home) {
        return new LauncherScript(LauncherScript.REPOSITORY_LAUNCHER, home);
    }

    private Path out() {
        return dir.resolve("out");
    }

    private Path err() {
        return dir.resolve("err");
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long pid(StandInInstallation installation, String part) throws IOException {
        return Long.parseLong(Files.readString(installation.home().resolve("run/" + part + ".pid"))
                .strip());
    }

    private long awaitPid(Path file) throws Exception {
        await(file + " written", () -> !read(file).isBlank());
        long pid = Long.parseLong(read(file).strip());
        pids.add(pid);
        return pid;
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        for (int i = 0; i < 1200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean())
                .as(what + " within 60 s; launcher said: " + read(out()) + read(err()))
                .isTrue();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
