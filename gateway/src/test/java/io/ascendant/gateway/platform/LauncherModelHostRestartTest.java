package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript.Result;
import io.ascendant.gateway.testsupport.StandInInstallation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model host that dies is restarted by {@code ./ascendant up} (once its port is free again), and one that keeps
 * dying is given up on, while PostgreSQL, Keycloak and the gateway keep running. Runs {@code up} on a stand-in installation (every part is
 * {@code LauncherStandIn}), kills its model host with SIGKILL and watches what the launcher does.
 */
class LauncherModelHostRestartTest {

    @TempDir
    Path dir;

    private StandInInstallation installation;
    private Process launcher;

    @AfterEach
    void stopLauncher() throws Exception {
        if (launcher != null) {
            signal("CONT", launcher.pid()); // in case a test failed while it was paused
            launcher.destroy(); // TERM: the launcher stops its parts
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        }
    }

    @Test
    void restartsAModelHostThatDiesAndKeepsTheRestRunning() throws Exception {
        up(Map.of());
        long host = pid("modelhost");
        Map<String, Long> rest =
                Map.of("postgres", pid("postgres"), "keycloak", pid("keycloak"), "gateway", pid("gateway"));

        ProcessHandle.of(host).orElseThrow().destroyForcibly();

        await("a new model host", () -> pidOrZero("modelhost") != host && alive(pidOrZero("modelhost")));
        assertThat(launcher.isAlive()).isTrue();
        rest.forEach((name, pid) ->
                assertThat(alive(pid)).as(name + " still running").isTrue());
        assertThat(Files.readString(dir.resolve("out")))
                .contains("the model host stopped unexpectedly (killed by SIGKILL")
                .contains("restarting it in 1 s")
                .doesNotContain("stopping the rest");
        assertThat(Files.readString(installation.home().resolve("logs/modelhost.log")))
                .contains("restarting the model host");
        // bash's job notice for a killed child ("line 79: 7712 Killed setsid ...") is not the operator's business.
        assertThat(Files.readString(dir.resolve("err"))).doesNotContain("Killed");
    }

    @Test
    void givesUpOnAModelHostThatKeepsDyingAndSaysSoInStatus() throws Exception {
        up(Map.of("ASCENDANT_MODEL_HOST_RESTARTS", "1"));
        long gateway = pid("gateway");
        Files.writeString(installation.home().resolve("modelhost-fails"), "");

        ProcessHandle.of(pid("modelhost")).orElseThrow().destroyForcibly();

        await("giving up", () -> output().contains("so it is not restarted again"));
        assertThat(output())
                .contains("restarting it in 1 s")
                .contains("the model host stopped again (exit status 3")
                .contains("PostgreSQL, Keycloak and the gateway keep running");
        assertThat(launcher.isAlive()).isTrue();
        assertThat(alive(gateway)).isTrue();
        Result status = installation.launcher().run(installation.env(), "status");
        assertThat(status.status()).isNotZero();
        assertThat(status.stdout())
                .contains("modelhost stopped, GAVE UP after 1 restart(s) in a row that each stopped within 60 s")
                .contains("gateway   running (pid " + gateway + "), UP at");
    }

    @Test
    void waitsForItsPortBeforeRestartingAModelHostAndNamesWhoHoldsIt() throws Exception {
        up(Map.of());
        long host = pid("modelhost");
        int port = Integer.parseInt(Files.readString(installation.home().resolve("run/ports"))
                .lines()
                .filter(l -> l.startsWith("MODEL_HOST_PORT="))
                .findFirst()
                .orElseThrow()
                .substring("MODEL_HOST_PORT=".length()));

        // Another program takes the port before the restart: a new host would fail to bind it. The launcher is paused
        // meanwhile (SIGSTOP), so its restart cannot come first.
        signal("STOP", launcher.pid());
        ProcessHandle dying = ProcessHandle.of(host).orElseThrow();
        dying.destroyForcibly();
        dying.onExit().get(30, TimeUnit.SECONDS);
        try (ServerSocket taken = new ServerSocket(port, 16, InetAddress.getLoopbackAddress())) {
            signal("CONT", launcher.pid());
            await("the launcher waiting for the port", () -> output().contains("so the model host cannot restart"));
            assertThat(output())
                    .contains("port " + port + " is in use by pid "
                            + ProcessHandle.current().pid() + " (");
            assertThat(installation.launcher().run(installation.env(), "status").stdout())
                    .contains("WAITING for port " + port + " (held by pid "
                            + ProcessHandle.current().pid() + " (");
            assertThat(pidOrZero("modelhost")).isEqualTo(host);
        }

        await(
                "a new model host once the port is free",
                () -> pidOrZero("modelhost") != host && alive(pidOrZero("modelhost")));
        assertThat(launcher.isAlive()).isTrue();
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                        .start()
                        .waitFor())
                .isZero();
    }

    private void up(Map<String, String> extra) throws Exception {
        installation = StandInInstallation.create(dir);
        Map<String, String> env = new HashMap<>(installation.env());
        env.putAll(extra);
        launcher = installation.launcher().start(env, dir.resolve("out"), dir.resolve("err"), "up");
        await("Ascendant is up", () -> output().contains("Ascendant is up."));
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("out"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        for (int i = 0; i < 1200 && !condition.getAsBoolean(); i++) {
            assertThat(launcher.isAlive())
                    .as("launcher still running while waiting for " + what + "; it said: " + output()
                            + Files.readString(dir.resolve("err")))
                    .isTrue();
            Thread.sleep(100);
        }
        assertThat(condition.getAsBoolean())
                .as(what + " within 120 s; launcher said: " + output())
                .isTrue();
    }

    private long pid(String part) throws Exception {
        return Long.parseLong(Files.readString(installation.home().resolve("run/" + part + ".pid"))
                .strip());
    }

    private long pidOrZero(String part) {
        try {
            return pid(part);
        } catch (Exception e) {
            return 0;
        }
    }

    private static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
