package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript;
import io.ascendant.gateway.testsupport.LauncherScript.Result;
import io.ascendant.gateway.testsupport.SilentServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ASCENDANT_*_PORT} is checked before {@code up} does anything: a value that is not a port, two parts on
 * one port, and every port already taken are each one sentence that names the variables.
 */
class LauncherPortsTest {

    @TempDir
    Path home;

    @Test
    void refusesAPortThatIsNotANumber() throws Exception {
        Result result = run(Map.of("ASCENDANT_GATEWAY_PORT", "abc"), "up");

        assertThat(result.status()).isNotZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: ASCENDANT_GATEWAY_PORT is 'abc', which is not a port: set it to a whole number"
                        + " from 1 to 65535.");
        assertThat(home.resolve("run")).doesNotExist();
    }

    @Test
    void refusesPortsOutsideOneTo65535() throws Exception {
        for (String value : new String[] {"99999", "0", "65536", "-1"}) {
            Result result = run(Map.of("ASCENDANT_KEYCLOAK_MANAGEMENT_PORT", value), "up");

            assertThat(result.status()).isNotZero();
            assertThat(result.stderr().strip())
                    .isEqualTo("ascendant: ASCENDANT_KEYCLOAK_MANAGEMENT_PORT is '" + value + "', which is not a port:"
                            + " set it to a whole number from 1 to 65535.");
        }
        assertThat(home.resolve("run")).doesNotExist();
    }

    @Test
    void refusesTwoPartsOnOnePort() throws Exception {
        int port = LauncherScript.freePort();
        Result result = run(
                Map.of(
                        "ASCENDANT_GATEWAY_PORT",
                        Integer.toString(port),
                        "ASCENDANT_MODEL_HOST_PORT",
                        Integer.toString(port)),
                "up");

        assertThat(result.status()).isNotZero();
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: ASCENDANT_GATEWAY_PORT and ASCENDANT_MODEL_HOST_PORT are both " + port
                        + ": give the gateway and the model host a port each.");
    }

    @Test
    void namesEveryBusyPortInOneSentence() throws Exception {
        try (SilentServer keycloak = SilentServer.open();
                SilentServer gateway = SilentServer.open()) {
            Result result = run(
                    Map.of(
                            "ASCENDANT_KEYCLOAK_PORT", Integer.toString(keycloak.port()),
                            "ASCENDANT_GATEWAY_PORT", Integer.toString(gateway.port())),
                    "up");

            assertThat(result.status()).isNotZero();
            // Both are held by this test's JVM, which the launcher names.
            String holder = ", held by pid " + ProcessHandle.current().pid() + " (";
            assertThat(result.stderr().strip())
                    .startsWith("ascendant: Ports " + keycloak.port() + " (needed by Keycloak, ASCENDANT_KEYCLOAK_PORT"
                            + holder)
                    .contains(" and " + gateway.port() + " (needed by the gateway, ASCENDANT_GATEWAY_PORT" + holder)
                    .endsWith(") are already in use: stop the programs that use them or set those variables to free"
                            + " ports.")
                    .doesNotContain("\n");
        }
    }

    @Test
    void statusRefusesAPortThatIsNotANumber() throws Exception {
        Result result = run(Map.of("ASCENDANT_MODEL_HOST_PORT", "80a"), "status");

        assertThat(result.status()).isNotZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().strip()).startsWith("ascendant: ASCENDANT_MODEL_HOST_PORT is '80a'");
    }

    private Result run(Map<String, String> extraEnv, String... args) throws Exception {
        return new LauncherScript(LauncherScript.REPOSITORY_LAUNCHER, home).run(extraEnv, args);
    }
}
