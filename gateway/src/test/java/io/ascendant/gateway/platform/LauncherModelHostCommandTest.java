package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript;
import io.ascendant.gateway.testsupport.LauncherScript.Result;
import io.ascendant.gateway.testsupport.SilentServer;
import io.ascendant.gateway.testsupport.StandInInstallation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ascendant model-host} refuses a taken port before it generates or loads a model (which takes a while), and
 * binds loopback like every part {@code up} starts unless {@code --host} says otherwise.
 */
class LauncherModelHostCommandTest {

    @TempDir
    Path dir;

    @Test
    void refusesATakenPortBeforeGeneratingOrLoadingTheModel() throws Exception {
        try (SilentServer taken = SilentServer.open()) {
            Result result = new LauncherScript(LauncherScript.REPOSITORY_LAUNCHER, dir)
                    .run(Map.of(), "model-host", "--port", Integer.toString(taken.port()));

            assertThat(result.status()).isNotZero();
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr().strip())
                    .startsWith(
                            "ascendant: Port " + taken.port() + " is already in use (needed by the model host): pid "
                                    + ProcessHandle.current().pid() + " (")
                    .endsWith("holds it, which this launcher did not start; stop it (kill "
                            + ProcessHandle.current().pid() + ") or set --port to a free port.");
            assertThat(dir.resolve("models")).doesNotExist();
        }
    }

    @Test
    void bindsLoopbackUnlessHostIsGiven() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);

        assertThat(argumentsOfModelHost(installation)).contains("-Dquarkus.http.host=127.0.0.1");
        assertThat(argumentsOfModelHost(installation, "--host", "0.0.0.0")).contains("-Dquarkus.http.host=0.0.0.0");
    }

    /** Runs {@code model-host args...} in the foreground until the stand-in host has written its arguments. */
    private List<String> argumentsOfModelHost(StandInInstallation installation, String... args) throws Exception {
        Path written = installation.home().resolve("modelhost.args");
        Files.deleteIfExists(written);
        List<String> command = new ArrayList<>(List.of("model-host"));
        command.addAll(List.of(args));
        Process host = installation
                .launcher()
                .start(
                        new HashMap<>(installation.env()),
                        dir.resolve("out"),
                        dir.resolve("err"),
                        command.toArray(String[]::new));
        try {
            // The stand-in writes one argument a line, the jar last.
            for (int i = 0; i < 1200 && !readOrEmpty(written).endsWith("quarkus-run.jar\n"); i++) {
                assertThat(host.isAlive())
                        .as("model-host still running; it said: " + Files.readString(dir.resolve("err")))
                        .isTrue();
                Thread.sleep(50);
            }
            return Files.readAllLines(written);
        } finally {
            host.destroy();
            if (!host.waitFor(30, TimeUnit.SECONDS)) {
                host.destroyForcibly();
            }
        }
    }

    private static String readOrEmpty(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
