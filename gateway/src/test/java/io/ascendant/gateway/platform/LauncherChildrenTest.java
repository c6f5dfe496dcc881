package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.StandInInstallation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the launcher starts ends with it: a build when its output pipe closes ({@code ./ascendant up | head}), the
 * migration JVM when it gets TERM ({@code timeout 60 ./ascendant migrate}). Stand-ins play Maven and the JVM.
 */
class LauncherChildrenTest {

    @TempDir
    Path dir;

    private final List<Process> launchers = new ArrayList<>();
    private final List<Long> children = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        launchers.forEach(Process::destroyForcibly);
        children.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void closedOutputDuringTheBuildStopsTheBuild() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir).withStandInBuild();
        Map<String, String> env = new HashMap<>(installation.env());
        env.put("ASCENDANT_SKIP_BUILD", "false");
        Path script = installation.home().resolveSibling("root/ascendant");
        launchers.add(installation
                .launcher()
                .start(
                        env,
                        dir.resolve("out"),
                        dir.resolve("err"),
                        List.of("bash", "-c", "bash '" + script + "' up | head -n 3")));

        long build = awaitPid(installation.home().resolve("build.pid.stand-in"));

        assertThat(diesWithin(build, 30))
                .as("the build after the output closed")
                .isTrue();
    }

    @Test
    void termStopsTheMigration() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);
        Process launcher =
                installation.launcher().start(installation.env(), dir.resolve("out"), dir.resolve("err"), "migrate");
        launchers.add(launcher);

        long migration = awaitPid(installation.home().resolve("migrate.pid"));
        launcher.destroy(); // SIGTERM, as timeout(1) sends it

        assertThat(diesWithin(migration, 30)).as("the migration JVM after TERM").isTrue();
    }

    private long awaitPid(Path file) throws Exception {
        for (int i = 0; i < 1200; i++) {
            if (Files.exists(file) && !Files.readString(file).isBlank()) {
                long pid = Long.parseLong(Files.readString(file).strip());
                children.add(pid);
                return pid;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " was not written within 60 s; launcher said: "
                + Files.readString(dir.resolve("out")) + Files.readString(dir.resolve("err")));
    }

    private static boolean diesWithin(long pid, int seconds) throws Exception {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        for (int i = 0; i < seconds * 10 && handle.isPresent() && handle.get().isAlive(); i++) {
            Thread.sleep(100);
        }
        return handle.isEmpty() || !handle.get().isAlive();
    }
}
