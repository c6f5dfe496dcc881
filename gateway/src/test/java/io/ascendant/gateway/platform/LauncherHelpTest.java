package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LauncherScript.Result;
import io.ascendant.gateway.testsupport.StandInInstallation;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ascendant <command> --help} (or {@code -h}) prints that command's usage and exits 0 without doing
 * anything: no build, no JVM, no files. Runs a stand-in installation, where nothing real could start even if the
 * launcher took the flag for a command.
 */
class LauncherHelpTest {

    private static final List<String> COMMANDS =
            List.of("up", "down", "status", "migrate", "test", "model-host", "engine", "billing", "tokenize");

    @TempDir
    Path dir;

    @Test
    void everyCommandPrintsItsUsageForHelpAndDoesNothingElse() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);
        SoftAssertions softly = new SoftAssertions();
        for (String command : COMMANDS) {
            for (String flag : List.of("--help", "-h")) {
                Result result = installation.launcher().run(installation.env(), command, flag);

                softly.assertThat(result.status()).as(command + " " + flag).isZero();
                softly.assertThat(result.stdout()).as(command + " " + flag).startsWith("Usage: ./ascendant " + command);
                softly.assertThat(result.stderr()).as(command + " " + flag).isEmpty();
            }
        }
        softly.assertThat(installation.home().resolve("run")).doesNotExist();
        softly.assertThat(installation.home().resolve("logs")).doesNotExist();
        softly.assertAll();
    }

    @Test
    void helpAfterASubcommandWordPrintsTheUsageToo() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);

        Result result = installation.launcher().run(installation.env(), "billing", "reconcile", "--help");

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).startsWith("Usage: ./ascendant billing").contains("reconcile");
    }

    @Test
    void billingReconcileHelpNamesItsOptionsAndEveryExitStatus() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);

        Result result = installation.launcher().run(installation.env(), "billing", "reconcile", "--help");

        assertThat(result.status()).isZero();
        assertThat(result.stdout())
                .contains("--since WHEN")
                .contains("--serve-unpriced-tenants")
                .contains("GATEWAY_METERING_SERVE_UNPRICED_TENANTS")
                .contains("0  rollups equal the ledger and no unpriced row needs review")
                .contains("1  rollups differ from the ledger")
                .contains("2  error")
                .contains("3  rollups equal the ledger, but unpriced rows need review");
    }

    @Test
    void helpSaysUpStartsTheModelHostToo() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);

        Result result = installation.launcher().run(installation.env(), "help");

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).contains("start PostgreSQL, Keycloak, the model host and the gateway");
    }

    @Test
    void refusesAnArgumentUpDoesNotTake() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);

        Result result = installation.launcher().run(installation.env(), "up", "--verbose");

        assertThat(result.status()).isNotZero();
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: Unknown argument '--verbose' for 'up': run './ascendant up --help' to see its"
                        + " usage.");
        assertThat(installation.home().resolve("run")).doesNotExist();
    }

    @Test
    void helpListsEveryCommandInOneColumn() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);

        Result result = installation.launcher().run(installation.env(), "help");

        // every command line: two spaces, the name padded to one width, then its description
        for (String command : COMMANDS) {
            assertThat(result.stdout()).containsPattern("(?m)^  " + command + " +\\S");
            assertThat(result.stdout()).containsPattern("(?m)^  " + String.format("%-11s", command) + " \\S");
        }
    }

    @Test
    void namesAnUnknownBillingSubcommand() throws Exception {
        StandInInstallation installation = StandInInstallation.create(dir);

        Result result = installation.launcher().run(installation.env(), "billing", "bogus");

        assertThat(result.status()).isNotZero();
        assertThat(result.stderr().strip())
                .isEqualTo("ascendant: Unknown billing subcommand 'bogus': the only one so far is reconcile"
                        + " (./ascendant billing reconcile --help).");
    }
}
