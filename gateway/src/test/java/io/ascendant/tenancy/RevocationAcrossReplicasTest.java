package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.apikey.ApiKeyAuthenticator;
import io.ascendant.tenancy.apikey.ApiKeyHasher;
import io.ascendant.tenancy.apikey.ApiKeyStore;
import io.ascendant.tenancy.apikey.LastUsedRecorder;
import io.ascendant.tenancy.apikey.TenancyChangeListener;
import io.ascendant.tenancy.apikey.TenantApiError;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two gateway replicas: the application itself (replica A, over HTTP) and a second, independent authenticator with its
 * own cache, its own database connection and its own LISTEN connection (replica B), as another pod would have.
 * A revocation or suspension made through the admin API must be refused by both within one second.
 */
@QuarkusTest
class RevocationAcrossReplicasTest {

    private static final Duration BOUND = Duration.ofSeconds(1);

    @InjectKeycloak
    KeycloakTokens keycloak;

    @ConfigProperty(name = "tenancy.api-keys.pepper")
    String pepper;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    private TenancyFixtures fx;
    private ApiKeyAuthenticator replicaB;
    private TenancyChangeListener listenerB;

    @BeforeEach
    void startSecondReplica() throws Exception {
        fx = new TenancyFixtures(keycloak);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        ds.setUser(user);
        ds.setPassword(password);
        ApiKeyStore store = new ApiKeyStore(ds);
        replicaB = new ApiKeyAuthenticator(
                store,
                new ApiKeyHasher(pepper),
                new LastUsedRecorder(store),
                Clock.systemUTC(),
                1000,
                1000,
                Duration.ofMinutes(5));
        ApiKeyAuthenticator b = replicaB;
        listenerB = new TenancyChangeListener(
                        jdbcUrl,
                        user,
                        password,
                        Duration.ofMillis(200),
                        (channel, payload) -> {
                            if (channel.equals(TenancyChangeListener.AUTH_CHANNEL)) {
                                String id = payload.substring(payload.indexOf(':') + 1);
                                if (payload.startsWith("key:")) {
                                    b.invalidateKey(id);
                                } else if (payload.startsWith("tenant:")) {
                                    b.invalidateTenant(UUID.fromString(id));
                                } else {
                                    b.invalidateAll();
                                }
                            }
                        },
                        b::invalidateAll)
                .start();
        assertThat(listenerB.awaitListening(Duration.ofSeconds(10))).isTrue();
    }

    @AfterEach
    void stopSecondReplica() {
        listenerB.close();
    }

    @Test
    void revocationIsEffectiveOnBothReplicasWithinOneSecond() {
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("rev"));
        UUID project = fx.createProject(tenant, "p");
        var key = fx.createKey(tenant, project, "k", null);
        String secret = key.getString("secret");
        warm(secret);

        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + key.getString("key.id") + "/revoke")
                .then()
                .statusCode(200);
        long revokedAt = System.nanoTime();

        Duration a = timeUntil(revokedAt, () -> status(secret) == 401);
        Duration b = timeUntil(revokedAt, () -> refusedByB(secret, TenantApiError.INVALID_API_KEY));

        assertThat(a).as("replica A").isLessThanOrEqualTo(BOUND);
        assertThat(b).as("replica B").isLessThanOrEqualTo(BOUND);
    }

    @Test
    void suspensionIsEffectiveOnBothReplicasWithinOneSecond() {
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("sus"));
        UUID project = fx.createProject(tenant, "p");
        String secret = fx.createKey(tenant, project, "k", null).getString("secret");
        warm(secret);

        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/suspend")
                .then()
                .statusCode(200);
        long suspendedAt = System.nanoTime();

        Duration a = timeUntil(suspendedAt, () -> status(secret) == 403);
        Duration b = timeUntil(suspendedAt, () -> refusedByB(secret, TenantApiError.TENANT_SUSPENDED));

        assertThat(a).as("replica A").isLessThanOrEqualTo(BOUND);
        assertThat(b).as("replica B").isLessThanOrEqualTo(BOUND);
    }

    /** Both replicas accept the key and have it cached (no database on the next lookup). */
    private void warm(String secret) {
        assertThat(status(secret)).isEqualTo(200);
        assertThat(replicaB.authenticate(secret)).isInstanceOf(ApiKeyAuthenticator.Authenticated.class);
        assertThat(replicaB.tryCached(secret))
                .hasValueSatisfying(r -> assertThat(r).isInstanceOf(ApiKeyAuthenticator.Authenticated.class));
    }

    private boolean refusedByB(String secret, TenantApiError expected) {
        return replicaB.authenticate(secret) instanceof ApiKeyAuthenticator.Refused r && r.error() == expected;
    }

    private static int status(String secret) {
        return given().auth().oauth2(secret).when().get("/v1/tenancy-probe").statusCode();
    }

    /** Polls every 10 ms for up to 10 s; returns the time from {@code start} until the condition held. */
    private static Duration timeUntil(long start, BooleanSupplier condition) {
        long deadline = start + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
