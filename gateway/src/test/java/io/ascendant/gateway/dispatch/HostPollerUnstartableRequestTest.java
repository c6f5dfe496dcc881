package io.ascendant.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.catalogue.Accelerator;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.testsupport.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request to one pod that the HTTP client refuses to start (it throws instead of failing its future) used to abort
 * the whole polling round: the pods after it in the round got no load sample, no health check and no model card
 * read, so they went stale or never became ready because of another pod. Now that pod's poll fails on its own, the
 * round goes on, and the failure is logged once, not every 100 ms.
 */
class HostPollerUnstartableRequestTest {

    private static final int UNHEALTHY_AFTER = 2;

    private final FakeModelHost hostA = new FakeModelHost("poller-a");
    private final FakeModelHost hostB = new FakeModelHost("poller-b");
    private final FakeModelHost hostC = new FakeModelHost("poller-c");
    private Vertx vertx;
    private HttpClient realClient;
    private volatile boolean refuseB = true;

    private Pod a;
    private Pod b;
    private Pod c;
    private HostPoller poller;

    @BeforeEach
    void setUp() {
        hostA.start(0);
        hostB.start(0);
        hostC.start(0);
        a = new Pod("pool", hostA.baseUrl(), Accelerator.CPU, 16);
        b = new Pod("pool", hostB.baseUrl(), Accelerator.CPU, 16);
        c = new Pod("pool", hostC.baseUrl(), Accelerator.CPU, 16);
        List<Pod> round = List.of(b, a, c); // the refused pod first: before the fix nothing after it was polled

        vertx = Vertx.vertx();
        realClient = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(2));
        poller = new HostPoller();
        poller.config = config();
        poller.registry = new PodRegistry() {
            @Override
            public List<Pod> all() {
                return round;
            }
        };
        poller.client = refusingToStartRequestsToB();
    }

    @AfterEach
    void tearDown() {
        realClient.close();
        vertx.close();
        hostA.close();
        hostB.close();
        hostC.close();
    }

    @Test
    void aMetricsRoundGoesOnPastAPodWhoseRequestCannotStart() {
        hostA.load(1, 7, 0.25);
        hostB.load(1, 5, 0.25);
        hostC.load(2, 9, 0.5);

        try (LogCapture log = LogCapture.of(HostPoller.class.getName(), Level.INFO)) {
            awaitPolling(
                    "load samples of pods a and c",
                    poller::pollMetrics,
                    () -> a.load().waiting() == 7 && c.load().waiting() == 9);
            assertThat(b.loadAgeNanos(System.nanoTime()))
                    .as("pod b has no sample: stale, which dispatch treats as saturated")
                    .isEqualTo(Long.MAX_VALUE);
            assertThat(b.pollsInFlight.get())
                    .as("pod b's failed poll is not left in flight")
                    .isZero();

            poller.pollMetrics();
            poller.pollMetrics();
            assertThat(warnings(log)).as("logged once, not every round").hasSize(1);
            assertThat(warnings(log).getFirst())
                    .contains(hostB.baseUrl())
                    .contains("cannot be polled")
                    .contains("client refuses");

            refuseB = false;
            awaitPolling(
                    "a load sample of pod b once its polls start",
                    poller::pollMetrics,
                    () -> b.load().waiting() == 5);
            assertThat(log.lines())
                    .filteredOn(l -> l.level().intValue() < Level.WARNING.intValue())
                    .extracting(LogCapture.Line::message)
                    .anyMatch(m -> m.contains(hostB.baseUrl()) && m.contains("can be polled again"));
        }
    }

    @Test
    void aHealthRoundGoesOnPastAPodWhoseRequestCannotStartWhichCountsAsFailed() {
        refuseB = false;
        awaitPolling(
                "pods a, b and c ready",
                poller::pollHealthNow,
                () -> a.ready(UNHEALTHY_AFTER) && b.ready(UNHEALTHY_AFTER) && c.ready(UNHEALTHY_AFTER));

        refuseB = true;
        hostC.healthy(false); // checked after pod b in each round
        for (int i = 0; i < UNHEALTHY_AFTER; i++) {
            poller.pollHealthNow();
        }
        assertThat(b.ready(UNHEALTHY_AFTER))
                .as("pod b's checks that could not start count as failed")
                .isFalse();
        awaitPolling("pod c out of rotation", poller::pollHealthNow, () -> !c.ready(UNHEALTHY_AFTER));
        assertThat(a.ready(UNHEALTHY_AFTER)).isTrue();
    }

    @Test
    void aModelCardRoundGoesOnPastAPodWhoseRequestCannotStart() {
        hostA.maxModelLen = 4096;
        hostB.maxModelLen = 3000;
        hostC.maxModelLen = 2048;

        awaitPolling(
                "windows of pods a and c",
                poller::pollModelCardsNow,
                () -> a.maxModelLen().equals(OptionalLong.of(4096))
                        && c.maxModelLen().equals(OptionalLong.of(2048)));
        assertThat(b.maxModelLen()).isEmpty();
        assertThat(b.modelCardPollInFlight.get())
                .as("pod b's read is not left in flight, which would drop every later read")
                .isFalse();

        refuseB = false;
        awaitPolling(
                "pod b's window",
                poller::pollModelCardsNow,
                () -> b.maxModelLen().equals(OptionalLong.of(3000)));
    }

    /**
     * Runs a polling round, then more every 200 ms, until {@code done}: a poll that times out on a busy machine (a
     * first request of a fresh client can take a second) is simply made again, as the poller's timers would.
     */
    private static void awaitPolling(String what, Runnable round, BooleanSupplier done) {
        round.run();
        int[] checks = {0};
        DataPathTestSupport.await(what, () -> {
            if (++checks[0] % 10 == 0) {
                round.run();
            }
            return done.getAsBoolean();
        });
    }

    private static List<String> warnings(LogCapture log) {
        return log.lines().stream()
                .filter(l -> l.level().intValue() >= Level.WARNING.intValue())
                .map(LogCapture.Line::message)
                .toList();
    }

    /** The real client, except that it throws when asked to start a request to pod b while {@link #refuseB}. */
    private HttpClient refusingToStartRequestsToB() {
        return (HttpClient) Proxy.newProxyInstance(
                HttpClient.class.getClassLoader(), new Class<?>[] {HttpClient.class}, (p, m, args) -> {
                    if (refuseB
                            && m.getName().equals("request")
                            && args != null
                            && args.length == 1
                            && args[0] instanceof RequestOptions o
                            && o.getPort() == hostB.port()) {
                        throw new IllegalStateException("the client refuses this address");
                    }
                    try {
                        return m.invoke(realClient, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static DataPathConfig config() {
        DataPathConfig.Upstream upstream = proxy(DataPathConfig.Upstream.class, name -> switch (name) {
            case "metricsInterval" -> Duration.ofMillis(100);
            case "healthInterval" -> Duration.ofSeconds(1);
            case "modelCardInterval" -> Duration.ofSeconds(30);
            case "connectTimeout" -> Duration.ofSeconds(2);
            case "unhealthyAfter" -> UNHEALTHY_AFTER;
            default -> throw new UnsupportedOperationException(name);
        });
        return proxy(DataPathConfig.class, name -> {
            if (name.equals("upstream")) {
                return upstream;
            }
            throw new UnsupportedOperationException(name);
        });
    }

    private static <T> T proxy(Class<T> type, Function<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> answers.apply(m.getName())));
    }
}
