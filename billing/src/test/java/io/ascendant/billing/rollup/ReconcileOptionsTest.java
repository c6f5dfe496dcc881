package io.ascendant.billing.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The command line of {@code ascendant billing reconcile}. */
class ReconcileOptionsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T06:00:00Z");
    private static final UUID A = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID B = UUID.fromString("22222222-2222-4222-8222-222222222222");

    @Test
    void withoutOptionsEveryUnpricedRowNeedsReview() {
        ReconcileOptions o = ReconcileOptions.parse(new String[] {"jdbc:postgresql://db/a", "u"}, Map.of(), NOW);

        assertThat(o.url()).isEqualTo("jdbc:postgresql://db/a");
        assertThat(o.user()).isEqualTo("u");
        assertThat(o.review()).isEqualTo(UnpricedReview.ALL);
    }

    @Test
    void sinceTakesAnInstantADateInUtcOrADurationBackFromNow() {
        assertThat(since("2026-11-30T12:00:00Z")).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
        assertThat(since("2026-11-30T12:00:00+08:00")).isEqualTo(Instant.parse("2026-11-30T04:00:00Z"));
        assertThat(since("2026-11-30")).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(since("P1D")).isEqualTo(Instant.parse("2026-11-30T06:00:00Z"));
        assertThat(since("PT36H")).isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    }

    @Test
    void optionsComeBeforeOrAfterTheUrlWithOrWithoutAnEqualsSign() {
        ReconcileOptions o = ReconcileOptions.parse(
                new String[] {"--since=2026-11-30", "jdbc:postgresql://db/a", "--serve-unpriced-tenants", A + "," + B},
                Map.of(),
                NOW);

        assertThat(o.url()).isEqualTo("jdbc:postgresql://db/a");
        assertThat(o.review().since()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(o.review().servedUnpricedOnPurpose()).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void tenantsServedUnpricedOnPurposeDefaultToTheGatewaysSetting() {
        Map<String, String> env = Map.of(
                "GATEWAY_METERING_SERVE_UNPRICED_TENANTS",
                " " + A + " ,",
                "QUARKUS_DATASOURCE_JDBC_URL",
                "jdbc:postgresql://db/env");

        ReconcileOptions fromEnv = ReconcileOptions.parse(new String[] {}, env, NOW);
        ReconcileOptions overridden =
                ReconcileOptions.parse(new String[] {"--serve-unpriced-tenants", B.toString()}, env, NOW);

        assertThat(fromEnv.url()).isEqualTo("jdbc:postgresql://db/env");
        assertThat(fromEnv.review().servedUnpricedOnPurpose()).containsExactly(A);
        assertThat(overridden.review().servedUnpricedOnPurpose()).containsExactly(B);
    }

    @Test
    void refusesWhatItCannotReadSayingWhatItTakes() {
        assertThat(refused("--since", "yesterday"))
                .contains("--since must be an instant (2026-12-01T00:00:00Z), a date in UTC (2026-12-01) or a"
                        + " duration back from now (P1D, PT36H), got 'yesterday'");
        assertThat(refused("--since", "-P1D")).contains("--since");
        assertThat(refused("--since")).contains("--since needs a value");
        assertThat(refused("--serve-unpriced-tenants", "ops-team")).contains("'ops-team' is not a tenant id (a UUID)");
        assertThat(refused("--tenant", A.toString()))
                .contains("unknown option --tenant")
                .contains("usage:");
        assertThat(refused("a", "b", "c", "d")).contains("too many arguments [d]");
    }

    private static Instant since(String value) {
        return ReconcileOptions.parse(new String[] {"--since", value}, Map.of(), NOW)
                .review()
                .since();
    }

    private static String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> ReconcileOptions.parse(args, Map.of(), NOW))
                .getMessage();
    }
}
