package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript;
import io.ascendant.gateway.testsupport.LauncherScript.Result;
import io.ascendant.gateway.testsupport.SilentServer;
import io.ascendant.gateway.testsupport.StandInInstallation;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@code ./ascendant status} says why a part is not up (its port refuses connections, does not answer in time, or its
 * pid file names a process that is gone), says how the last {@code up} ended once it is gone, and shows only the
 * running {@code up}'s own model-host restarts, not an earlier run's.
 */
class LauncherStatusTest {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void saysConnectionRefusedOrNoAnswerForARunningPartThatIsNotReady() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Process gateway = sleeper();
        Process keycloak = sleeper();
        Files.writeString(run.resolve("gateway.pid"), gateway.pid() + "\n");
        Files.writeString(run.resolve("keycloak.pid"), keycloak.pid() + "\n");
        int refused = LauncherScript.freePort();
        try (SilentServer silent = SilentServer.open()) {
            Result result = run(
                    Map.of(
                            "ASCENDANT_GATEWAY_PORT", Integer.toString(refused),
                            "ASCENDANT_KEYCLOAK_MANAGEMENT_PORT", Integer.toString(silent.port())),
                    "status");

            assertThat(result.status()).isNotZero();
            assertThat(result.stdout())
                    .contains("gateway   running (pid " + gateway.pid() + "), NOT READY at http://127.0.0.1:" + refused
                            + "/q/health/ready: connection refused on port " + refused + "\n")
                    .contains("keycloak  running (pid " + keycloak.pid() + "), NOT READY at http://127.0.0.1:"
                            + silent.port() + "/health/ready: no answer within 3 s on port " + silent.port() + "\n");
        }
    }

    @Test
    void namesAStalePidFile() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(run.resolve("gateway.pid"), gone.pid() + "\n");

        Result result = run(Map.of(), "status");

        assertThat(result.status()).isNotZero();
        assertThat(result.stdout())
                .contains("gateway   stopped (stale pid file " + run.resolve("gateway.pid") + ": pid " + gone.pid()
                        + " is not running)\n");
    }

    @Test
    void saysWhyUpStoppedEverythingWhenTheGatewayDied() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir.resolve("install"));
        Path out = dir.resolve("out");
        Process launcher = installation.launcher().start(installation.env(), out, dir.resolve("err"), "up");
        processes.add(launcher);
        await("Ascendant is up", () -> read(out).contains("Ascendant is up."));
        long gateway = Long.parseLong(
                Files.readString(installation.home().resolve("run/gateway.pid")).strip());

        ProcessHandle.of(gateway).orElseThrow().destroyForcibly();

        assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isEqualTo(1);
        Result status = installation.launcher().run(installation.env(), "status");
        assertThat(status.status()).isNotZero();
        assertThat(status.stdout())
                .contains("gateway   stopped\n")
                .containsPattern("last 'up' ended at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ: gateway stopped"
                        + " unexpectedly \\(killed by SIGKILL; last log line: \".*\"; see " + installation.home()
                        + "/logs/gateway.log\\), so the launcher stopped the rest\n");
    }

    @Test
    void showsOnlyTheRunningUpsOwnModelHostRestarts() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir.resolve("install"));
        Path run = Files.createDirectories(installation.home().resolve("run"));
        // What an earlier `up` left: its model host's restarts and how it ended.
        Files.writeString(run.resolve("modelhost.state"), "restarted (3 in a row)\n");
        Files.writeString(run.resolve("last-end"), "2026-01-01T00:00:00Z stopped by Ctrl-C (SIGINT)\n");
        // The new `up` stays at PostgreSQL's start while this file exists.
        Files.writeString(installation.home().resolve("postgres-waits"), "");
        Path out = dir.resolve("out");
        Process launcher = installation.launcher().start(installation.env(), out, dir.resolve("err"), "up");
        processes.add(launcher);
        await(
                "the launcher's pid file",
                () -> Files.exists(run.resolve("launcher.pid")) && Files.exists(run.resolve("postgres.pid")));

        Result starting = installation.launcher().run(installation.env(), "status");

        assertThat(starting.stdout())
                .contains("STARTING: starting PostgreSQL")
                .doesNotContain("restarted (3 in a row)")
                .doesNotContain("last 'up' ended");
        Files.delete(installation.home().resolve("postgres-waits"));
        await("Ascendant is up", () -> read(out).contains("Ascendant is up."));
        assertThat(installation.launcher().run(installation.env(), "status").stdout())
                .contains("modelhost running (pid ")
                .doesNotContain("restarted");
    }

    private Process sleeper() throws IOException {
        Process p = new ProcessBuilder("sleep", "120").start();
        processes.add(p);
        return p;
    }

    private Result run(Map<String, String> extraEnv, String... args) throws Exception {
        return new LauncherScript(LauncherScript.REPOSITORY_LAUNCHER, dir).run(extraEnv, args);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        for (int i = 0; i < 1200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what + " within 60 s").isTrue();
    }
}
