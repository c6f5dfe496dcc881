package io.ascendant.gateway.platform;

import static io.ascendant.gateway.testsupport.LauncherScript.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript;
import io.ascendant.gateway.testsupport.LauncherScript.Result;
import io.ascendant.gateway.testsupport.SilentServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ascendant} launcher refuses to start, with one clear sentence and a non-zero status, when an operator
 * must act first. Runs the real script with a controlled environment and its own ASCENDANT_HOME; none of these
 * cases gets as far as building or starting anything.
 */
class LauncherTest {

    @TempDir
    Path home;

    private final List<Process> helpers = new ArrayList<>();

    @AfterEach
    void stopHelpers() {
        helpers.forEach(Process::destroyForcibly);
    }

    @Test
    void refusesToStartWithoutJdk25() throws Exception {
        Path fakeJvms = Files.createDirectories(home.resolve("no-jvms"));
        // The only java on PATH is a JDK 17 (a stand-in that prints 17's version line), whatever this machine has.
        Path oldJdkBin = Files.createDirectories(home.resolve("jdk-17/bin"));
        for (String tool : new String[] {"java", "javac"}) {
            Path script = oldJdkBin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho 'openjdk version \"17.0.2\" 2022-01-18' >&2\n");
            script.toFile().setExecutable(true);
        }
        Result result = run(
                Map.of(
                        "JAVA_HOME", home.resolve("missing-jdk").toString(),
                        "ASCENDANT_JVM_DIR", fakeJvms.toString(),
                        "PATH", oldJdkBin + ":/usr/bin:/bin"),
                "up");

        assertThat(result.status()).isNotZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().strip())
                .startsWith("ascendant: No JDK 25 found")
                .contains("set JAVA_HOME")
                .doesNotContain("\n");
    }

    @Test
    void refusesPortAlreadyInUse() throws Exception {
        try (SilentServer taken = SilentServer.open()) {
            int port = taken.port();
            Result result = run(Map.of("ASCENDANT_GATEWAY_PORT", Integer.toString(port)), "up");

            assertThat(result.status()).isNotZero();
            // The port's holder is this test's JVM: named, with what stops it.
            assertThat(result.stderr().strip())
                    .startsWith("ascendant: Port " + port + " is already in use (needed by the gateway): " + thisJvm())
                    .endsWith("holds it, which this launcher did not start; stop it (kill "
                            + ProcessHandle.current().pid() + ") or set ASCENDANT_GATEWAY_PORT to a free port.")
                    .doesNotContain("\n");
        }
    }

    @Test
    void refusesBusyModelHostPortBeforeStartingAnything() throws Exception {
        try (SilentServer taken = SilentServer.open()) {
            int port = taken.port();
            Result result = run(Map.of("ASCENDANT_MODEL_HOST_PORT", Integer.toString(port)), "up");

            assertThat(result.status()).isNotZero();
            assertThat(result.stdout()).doesNotContain("starting");
            assertThat(result.stderr().strip())
                    .startsWith(
                            "ascendant: Port " + port + " is already in use (needed by the model host): " + thisJvm())
                    .endsWith("or set ASCENDANT_MODEL_HOST_PORT to a free port.");
            try (var started = Files.list(home.resolve("run"))) {
                assertThat(started.map(f -> f.getFileName().toString())).noneMatch(f -> f.endsWith(".pid"));
            }
        }
    }

    @Test
    void refusedUpLeavesNoNewHomeBehind() throws Exception {
        // A second installation pointed at a new ASCENDANT_HOME while the first one holds the ports.
        Path newHome = home.resolve("second-install");
        try (SilentServer taken = SilentServer.open()) {
            int port = taken.port();
            Result result = run(
                    Map.of("ASCENDANT_HOME", newHome.toString(), "ASCENDANT_POSTGRES_PORT", Integer.toString(port)),
                    "up");

            assertThat(result.status()).isNotZero();
            assertThat(result.stderr().strip())
                    .startsWith("ascendant: Port " + port + " is already in use (needed by PostgreSQL): " + thisJvm())
                    .endsWith("or set ASCENDANT_POSTGRES_PORT to a free port.");
            assertThat(newHome).doesNotExist();
        }
    }

    @Test
    void refusesSecondUpWhileOneRuns() throws Exception {
        Path lock = Files.createDirectories(home.resolve("run")).resolve("launcher.lock");
        Files.writeString(home.resolve("run/launcher.pid"), "4242\n");
        // A running `up` holds this flock for its lifetime; hold it the same way.
        Process holder = new ProcessBuilder("flock", "-n", lock.toString(), "sleep", "120").start();
        helpers.add(holder);
        for (int i = 0; i < 100 && !lockIsHeld(lock); i++) {
            Thread.sleep(50);
        }

        Result result = run(Map.of(), "up");

        assertThat(result.status()).isNotZero();
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: Ascendant is already running from " + home
                        + " (launcher pid 4242): use './ascendant status' to see it or './ascendant down' to stop it.");
    }

    @Test
    void refusesConsoleOriginWithAPathBeforeStartingAnything() throws Exception {
        Result result = run(
                Map.of("ASCENDANT_CONSOLE_ORIGINS", "https://ascendant.example.com https://console.example.com/admin/"),
                "up");

        assertThat(result.status()).isNotZero();
        assertThat(result.stdout()).doesNotContain("starting");
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: ASCENDANT_CONSOLE_ORIGINS holds 'https://console.example.com/admin/', which is"
                        + " not an origin such as https://ascendant.example.com (scheme, host and optional port, no"
                        + " path).");
    }

    @Test
    void rejectsUnknownCommandInOneSentence() throws Exception {
        Result result = run(Map.of(), "launch-rockets");

        assertThat(result.status()).isNotZero();
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: Unknown command 'launch-rockets': run './ascendant help' to see the commands.");
    }

    @Test
    void statusReportsEverythingStoppedWithNonZeroStatus() throws Exception {
        Result result = run(Map.of(), "status");

        assertThat(result.status()).isNotZero();
        assertThat(result.stdout()).contains("gateway   stopped").contains("postgres  stopped");
    }

    @Test
    void statusSaysStartingWhileUpIsStillStartingThings() throws Exception {
        Path run = Files.createDirectories(home.resolve("run"));
        // A live process stands in for an `up` that is part-way through starting: its PID and its last phase.
        Process launcher = new ProcessBuilder("sleep", "120").start();
        helpers.add(launcher);
        Files.writeString(run.resolve("launcher.pid"), launcher.pid() + "\n");
        Files.writeString(run.resolve("phase"), "starting Keycloak on http://127.0.0.1:8180\n");

        Result result = run(Map.of(), "status");

        assertThat(result.status()).isNotZero();
        assertThat(result.stdout())
                .contains("launcher  running (pid " + launcher.pid() + "), STARTING: starting Keycloak on")
                .contains("gateway   not started yet")
                .doesNotContain("stopped");
    }

    @Test
    void statusChecksThePortsTheRunningUpUses() throws Exception {
        Path run = Files.createDirectories(home.resolve("run"));
        Process launcher = new ProcessBuilder("sleep", "120").start();
        Process gateway = new ProcessBuilder("sleep", "120").start();
        helpers.add(launcher);
        helpers.add(gateway);
        Files.writeString(run.resolve("launcher.pid"), launcher.pid() + "\n");
        Files.writeString(run.resolve("gateway.pid"), gateway.pid() + "\n");
        Files.writeString(run.resolve("phase"), "up\n");
        int upsPort = freePort();
        // `up` was started with its own ports; `status` is run without repeating them.
        Files.writeString(run.resolve("ports"), "GATEWAY_PORT=" + upsPort + "\nMODEL_HOST_PORT=1\n");

        Result result = run(Map.of(), "status");

        assertThat(result.stdout())
                .contains("gateway   running (pid " + gateway.pid() + "), NOT READY at http://127.0.0.1:" + upsPort
                        + "/q/health/ready: connection refused on port " + upsPort);
    }

    /** How the launcher names this JVM, which holds the test's {@link SilentServer} ports. */
    private static String thisJvm() {
        return "pid " + ProcessHandle.current().pid() + " (";
    }

    private boolean lockIsHeld(Path lock) throws Exception {
        Process probe = new ProcessBuilder("flock", "-n", lock.toString(), "true").start();
        return probe.waitFor() != 0;
    }

    private Result run(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        return new LauncherScript(LauncherScript.REPOSITORY_LAUNCHER, home).run(extraEnv, args);
    }
}
