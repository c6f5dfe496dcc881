package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript;
import io.ascendant.gateway.testsupport.LauncherScript.Result;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ASCENDANT_*} settings that are not ports are checked before {@code up} or {@code migrate} does anything:
 * a bad value is one sentence naming the variable and a non-zero exit, with nothing started and no state created.
 */
class LauncherSettingsTest {

    @TempDir
    Path home;

    @Test
    void refusesAStartTimeoutThatIsNotAWholeNumberOfSecondsFromOne() throws Exception {
        for (String value : new String[] {"abc", "0", "-5", "1.5", "10s"}) {
            Result result = run(Map.of("ASCENDANT_START_TIMEOUT", value), "up");

            assertThat(result.status()).isNotZero();
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr().strip())
                    .isEqualTo("ascendant: ASCENDANT_START_TIMEOUT is '" + value + "': set it to a whole number of"
                            + " seconds from 1 to 999999 (default 600).");
        }
        assertThat(home.resolve("run")).doesNotExist();
    }

    @Test
    void refusesASkipBuildOtherThanTrueOrFalse() throws Exception {
        for (String command : new String[] {"up", "migrate"}) {
            Result result = run(Map.of("ASCENDANT_SKIP_BUILD", "maybe"), command);

            assertThat(result.status()).isNotZero();
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr().strip())
                    .isEqualTo("ascendant: ASCENDANT_SKIP_BUILD is 'maybe': set it to true (never build, use the"
                            + " existing jars) or false (build when a source is newer, the default).");
        }
        assertThat(home.resolve("run")).doesNotExist();
    }

    @Test
    void refusesAModelHostHeapThatIsNotAJvmSize() throws Exception {
        Result result = run(Map.of("ASCENDANT_MODEL_HOST_HEAP", "lots"), "up");

        assertThat(result.status()).isNotZero();
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: ASCENDANT_MODEL_HOST_HEAP is 'lots': set it to a JVM heap size such as 3g or"
                        + " 2048m (default 3g).");
        assertThat(home.resolve("run")).doesNotExist();
    }

    private Result run(Map<String, String> extraEnv, String... args) throws Exception {
        return new LauncherScript(LauncherScript.REPOSITORY_LAUNCHER, home).run(extraEnv, args);
    }
}
