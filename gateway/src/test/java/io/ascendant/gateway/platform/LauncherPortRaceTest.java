package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript;
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
 * What {@code ./ascendant up} says when a part cannot bind a port that was free when the launcher checked it (another
 * program took it in between, as an outgoing connection can with a port in the ephemeral range), and what it records
 * when a running part is killed. Runs {@code up} on a stand-in installation (every part is {@code LauncherStandIn}).
 */
class LauncherPortRaceTest {

    @TempDir
    Path dir;

    private StandInInstallation installation;
    private Process launcher;

    @AfterEach
    void stopLauncher() throws Exception {
        if (launcher != null && launcher.isAlive()) {
            launcher.destroy(); // TERM: the launcher stops its parts
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        }
    }

    @Test
    void aPortTakenAfterTheCheckIsNamedWithItsVariable() throws Exception {
        int gatewayPort = LauncherScript.freePort();
        installation = StandInInstallation.create(dir);
        // PostgreSQL waits at start, after the launcher has found every port free: the test takes the gateway's then.
        Files.createDirectories(installation.home());
        Files.writeString(installation.home().resolve("postgres-waits"), "");
        start(Map.of("ASCENDANT_GATEWAY_PORT", Integer.toString(gatewayPort)));
        await("PostgreSQL started", () -> Files.exists(installation.home().resolve("run/postgres.pid")));

        try (ServerSocket taken = new ServerSocket(gatewayPort, 1, InetAddress.getLoopbackAddress())) {
            Files.delete(installation.home().resolve("postgres-waits"));
            assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(launcher.exitValue()).isNotZero();
        assertThat(text("err"))
                .contains("gateway stopped during start-up")
                .contains("gateway could not bind its port: " + gatewayPort + " (ASCENDANT_GATEWAY_PORT). Another"
                        + " program took it after the launcher found it free; set the variable to a free port");
        if (inEphemeralRange(gatewayPort)) {
            assertThat(text("err"))
                    .contains("note: ASCENDANT_GATEWAY_PORT=" + gatewayPort + " is in this machine's ephemeral port"
                            + " range");
        }
    }

    @Test
    void aKilledPartsLastLogLineIsNotTheShellsKilledNotice() throws Exception {
        installation = StandInInstallation.create(dir);
        start(Map.of());
        await("Ascendant is up", () -> text("out").contains("Ascendant is up."));
        long gateway = Long.parseLong(
                Files.readString(installation.home().resolve("run/gateway.pid")).strip());

        ProcessHandle.of(gateway).orElseThrow().destroyForcibly();
        assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String lastEnd = Files.readString(installation.home().resolve("run/last-end"));
        assertThat(lastEnd).contains("gateway stopped unexpectedly (killed by SIGKILL");
        // the part's log does hold the waiter's notice; the record quotes what the part itself said last
        assertThat(Files.readString(installation.home().resolve("logs/gateway.log")))
                .contains("Killed");
        assertThat(lastEnd).doesNotContain("setsid").doesNotContain("Killed");
    }

    private void start(Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(installation.env());
        env.putAll(extra);
        launcher = installation.launcher().start(env, dir.resolve("out"), dir.resolve("err"), "up");
    }

    private static boolean inEphemeralRange(int port) throws IOException {
        // read line by line: /proc files report a size of 0, which a sized read takes at its word
        String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .get(0)
                .strip()
                .split("\\s+");
        return port >= Integer.parseInt(range[0]) && port <= Integer.parseInt(range[1]);
    }

    private String text(String file) {
        try {
            Path path = dir.resolve(file);
            return Files.exists(path) ? Files.readString(path) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        for (int i = 0; i < 1200 && !condition.getAsBoolean(); i++) {
            assertThat(launcher.isAlive())
                    .as("launcher still running while waiting for " + what + "; it said: " + text("out") + text("err"))
                    .isTrue();
            Thread.sleep(100);
        }
        assertThat(condition.getAsBoolean())
                .as(what + " within 120 s; launcher said: " + text("out") + text("err"))
                .isTrue();
    }
}
