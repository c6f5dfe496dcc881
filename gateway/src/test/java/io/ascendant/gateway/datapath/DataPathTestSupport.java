package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;

import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.dispatch.HostPoller;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.testsupport.CatalogueFixtures;
import io.ascendant.gateway.upstream.UpstreamClient;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Puts the fake hosts and the gateway's pod state back to a known start before each data-path test. */
@ApplicationScoped
public class DataPathTestSupport {
    /**
     * The data path's route with a context window: {@value #WINDOW_MODEL} on the Pro pool, billed at the {@value
     * #WINDOW_TIER} price tier. Tests that run in one application share it, so it is defined once, here.
     */
    public static final String WINDOW_MODEL = "deepseek-v4-window";

    /** The price tier of {@link #WINDOW_MODEL}. */
    public static final String WINDOW_TIER = "deepseek-v4-pro";

    /** The context window of {@link #WINDOW_MODEL} in tokens, prompt plus output. */
    public static final long WINDOW_CONTEXT = 600;

    /** The output limit of {@link #WINDOW_MODEL} in tokens. */
    public static final long WINDOW_MAX_OUTPUT = 200;

    @Inject
    UpstreamClient upstream;

    @Inject
    PodRegistry registry;

    @Inject
    HostPoller poller;

    @Inject
    ModelCatalogue catalogue;

    /** Resets hosts and breakers and waits until every fake pod is ready with fresh load data. */
    public void reset() {
        FakeHostsResource.FLASH.forEach(FakeModelHost::reset);
        FakeHostsResource.PRO.reset();
        FakeHostsResource.DISCOVERED.reset();
        upstream.resetGuards();
        poller.pollHealthNow();
        await(
                "all fake pods ready",
                () -> registry.pods("flash").stream().allMatch(this::ready)
                        && registry.pods("pro").stream().allMatch(this::ready));
    }

    private boolean ready(Pod p) {
        return p.ready(2)
                && p.loadAgeNanos(System.nanoTime()) < Duration.ofMillis(500).toNanos()
                && p.load().waiting() == 0
                && p.inFlightRequests() == 0;
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        long now = System.nanoTime();
        for (Pod p : registry.all()) {
            sb.append(String.format(
                    "%n  %s ready=%s loadAgeMs=%d waiting=%s inFlight=%d circuit=%s",
                    p,
                    p.ready(2),
                    p.loadAgeNanos(now) / 1_000_000,
                    p.load().waiting(),
                    p.inFlightRequests(),
                    p.circuit()));
        }
        return sb.toString();
    }

    /** Creates or replaces {@link #WINDOW_MODEL} as a platform admin and waits until the catalogue serves it. */
    public void routeWindowModel(String adminToken) {
        CatalogueFixtures.putRouteWithContextWindow(
                adminToken, WINDOW_MODEL, "pro", WINDOW_TIER, WINDOW_MAX_OUTPUT, WINDOW_CONTEXT);
        awaitRoute(WINDOW_MODEL, WINDOW_TIER, WINDOW_CONTEXT);
    }

    /**
     * Waits until the gateway's catalogue resolves {@code model} with {@code priceTier} and {@code contextLength}: an
     * admin route change (for example {@code CatalogueFixtures.putRouteWithContextWindow}) applies asynchronously.
     */
    public void awaitRoute(String model, String priceTier, long contextLength) {
        await(
                "route " + model + " priced as " + priceTier + " with context " + contextLength + " in the catalogue",
                () -> catalogue
                        .resolve(model)
                        .filter(r -> r.priceTier().equals(priceTier) && r.contextLength() == contextLength)
                        .isPresent());
    }

    /** Polls a condition every 20 ms for up to 10 s. */
    public static void await(String what, BooleanSupplier condition) {
        await(() -> what, condition);
    }

    /** Polls a condition every 20 ms for up to 10 s; the message is computed on failure. */
    public static void await(java.util.function.Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A small "Say hello" chat with {@code key} that must answer 200 (streamed or not). */
    public static Response sayHello(TestKeys.Key key, boolean stream) {
        String body = new JsonObject()
                .put("model", "deepseek-v4-flash")
                .put("stream", stream)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
        return given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .response();
    }
}
