package io.ascendant.tenancy.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cache misses of {@link ApiKeyAuthenticator#lookup} against a database that does not answer until the test lets go:
 * misses of one key share one load, each caller has its answer by its deadline and is never authenticated by a load
 * that did not answer, and a failed load is not remembered as an unknown key. (The real PostgreSQL stall is in the
 * gateway's {@code ApiKeyLookupStallTest}.) Deadlines are upper bounds only; nothing asserts on elapsed time.
 */
class ApiKeyLookupTest {

    private static final String PEPPER = "unit-test-pepper-0123456789abcdef0123";
    private static final Duration LONG = Duration.ofMinutes(5);

    /** A data source whose every connection request waits until {@link #release}, then fails as a stall would. */
    private final AtomicInteger connections = new AtomicInteger();

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final DataSource stalled = (DataSource) Proxy.newProxyInstance(
            DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                if (!method.getName().equals("getConnection")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                connections.incrementAndGet();
                entered.countDown();
                release.await();
                throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            });

    private final ApiKeyStore store = new ApiKeyStore(stalled, Duration.ofSeconds(2));
    private final ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(
            store, new ApiKeyHasher(PEPPER), new LastUsedRecorder(store), Clock.systemUTC(), 100, 100, LONG);

    @AfterEach
    void letGo() {
        release.countDown();
    }

    @Test
    void concurrentMissesOfOneKeyShareOneDatabaseLoad() throws Exception {
        String key = ApiKeyFormat.generate(new SecureRandom()).text();
        List<CompletableFuture<ApiKeyAuthenticator.Result>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(authenticator.lookup(key, LONG));
        }
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(connections).as("one load for 8 misses of one key").hasValue(1);
        assertThat(authenticator.loadsInFlight()).isEqualTo(1);
        assertThat(answers).noneMatch(CompletableFuture::isDone);

        release.countDown();
        for (CompletableFuture<ApiKeyAuthenticator.Result> a : answers) {
            assertThatThrownBy(() -> a.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .hasMessageContaining("API key lookup failed");
        }
        assertThat(connections).hasValue(1);
        assertThat(authenticator.loadsInFlight()).isZero();
    }

    @Test
    void aCallerGetsATimeoutByItsDeadlineWhileTheLoadStillWaits() throws Exception {
        String key = ApiKeyFormat.generate(new SecureRandom()).text();
        CompletableFuture<ApiKeyAuthenticator.Result> patient = authenticator.lookup(key, LONG);
        CompletableFuture<ApiKeyAuthenticator.Result> hurried = authenticator.lookup(key, Duration.ofMillis(50));

        assertThatThrownBy(() -> hurried.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(TimeoutException.class);
        assertThat(patient)
                .as("the load runs on for callers whose deadline has not passed")
                .isNotDone();
        assertThat(authenticator.loadsInFlight()).isEqualTo(1);
    }

    @Test
    void aLoadThatFailedIsNotRememberedAsAnUnknownKeyAndTheNextMissLoadsAgain() throws Exception {
        String key = ApiKeyFormat.generate(new SecureRandom()).text();
        CompletableFuture<ApiKeyAuthenticator.Result> first = authenticator.lookup(key, LONG);
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        assertThat(authenticator.tryCached(key))
                .as("neither valid nor invalid: unknown")
                .isEmpty();
        CompletableFuture<ApiKeyAuthenticator.Result> second = authenticator.lookup(key, LONG);
        assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(connections).hasValue(2);
    }

    @Test
    void aChangeNotificationMakesTheNextMissLoadAfresh() throws Exception {
        String key = ApiKeyFormat.generate(new SecureRandom()).text();
        String publicId = ApiKeyFormat.parsePublicId(key).orElseThrow();
        authenticator.lookup(key, LONG);
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        authenticator.invalidateKey(publicId);
        authenticator.lookup(key, LONG);

        assertThat(authenticator.loadsInFlight()).isEqualTo(1);
        release.countDown();
        CompletableFuture<ApiKeyAuthenticator.Result> after = authenticator.lookup(key, LONG);
        assertThatThrownBy(() -> after.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(connections)
                .as("the miss after the change did not join the load from before")
                .hasValueGreaterThan(1);
    }

    @Test
    void missesOfDifferentKeysQueryTheDatabaseOnlyAsManyAtOnceAsThereArePermits() throws Exception {
        ApiKeyAuthenticator twoAtOnce = new ApiKeyAuthenticator(
                store, new ApiKeyHasher(PEPPER), new LastUsedRecorder(store), Clock.systemUTC(), 100, 100, LONG, 2);
        List<CompletableFuture<ApiKeyAuthenticator.Result>> holding = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            holding.add(
                    twoAtOnce.lookup(ApiKeyFormat.generate(new SecureRandom()).text(), LONG));
        }
        for (int i = 0; i < 3_000 && connections.get() < 2; i++) {
            Thread.sleep(10); // both loads hold their permit and wait in the stalled database
        }
        List<CompletableFuture<ApiKeyAuthenticator.Result>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(
                    twoAtOnce.lookup(ApiKeyFormat.generate(new SecureRandom()).text(), Duration.ofMillis(100)));
        }

        for (CompletableFuture<ApiKeyAuthenticator.Result> w : waiting) {
            assertThatThrownBy(() -> w.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TimeoutException.class);
        }
        // The three loads without a permit give up at their deadline and leave; the two with one still wait.
        for (int i = 0; i < 3_000 && twoAtOnce.loadsInFlight() > 2; i++) {
            Thread.sleep(10);
        }
        assertThat(twoAtOnce.loadsInFlight()).isEqualTo(2);
        assertThat(connections)
                .as("only the loads holding a permit asked for a connection")
                .hasValue(2);
        assertThat(holding).noneMatch(CompletableFuture::isDone);

        release.countDown(); // the stalled loads fail and give their permits back: the next miss queries
        for (CompletableFuture<ApiKeyAuthenticator.Result> h : holding) {
            assertThatThrownBy(() -> h.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
        CompletableFuture<ApiKeyAuthenticator.Result> next =
                twoAtOnce.lookup(ApiKeyFormat.generate(new SecureRandom()).text(), LONG);
        assertThatThrownBy(() -> next.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(connections).hasValue(3);
    }

    @Test
    void aMalformedKeyIsRefusedWithoutALoad() throws Exception {
        assertThat(authenticator.lookup("sk-not-ours", LONG).get(30, TimeUnit.SECONDS))
                .isEqualTo(new ApiKeyAuthenticator.Refused(TenantApiError.MALFORMED_API_KEY));
        assertThat(connections).hasValue(0);
    }

    @Test
    void aLookupTimeoutThatIsNotPositiveStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new ApiKeyStore(stalled, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenancy.api-keys.lookup-timeout");
    }
}
