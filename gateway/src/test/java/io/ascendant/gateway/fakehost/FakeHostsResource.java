package io.ascendant.gateway.fakehost;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Global test resource: fake model hosts on loopback and a static catalogue pointing at them, with the upstream
 * timeouts shortened for tests.
 *
 * <ul>
 *   <li>{@code deepseek-v4-flash} (alias {@code flash-latest}, output limit 8192) on pool {@code flash}: hosts
 *       {@link #FLASH} a, b, c (CPU).
 *   <li>{@code deepseek-v4-pro} on pool {@code pro}: host {@link #PRO} (ASCEND).
 *   <li>{@code deepseek-v4-dead} on pool {@code dead}: one endpoint where nothing listens (never ready).
 *   <li>{@code deepseek-v4-discovered} on pool {@code discovered}: DNS name {@code fake-pods.test}, answered by the
 *       test's resolver, port of {@link #DISCOVERED}.
 *   <li>{@code deepseek-v4-dead} and {@code deepseek-v4-discovered} are priced as {@code deepseek-v4-flash}.
 * </ul>
 */
@WithTestResource(value = FakeHostsResource.class, scope = TestResourceScope.GLOBAL)
public class FakeHostsResource implements QuarkusTestResourceLifecycleManager {

    /** The three hosts of pool {@code flash}. */
    public static final List<FakeModelHost> FLASH =
            List.of(new FakeModelHost("flash-a"), new FakeModelHost("flash-b"), new FakeModelHost("flash-c"));
    /** The host of pool {@code pro}. */
    public static final FakeModelHost PRO = new FakeModelHost("pro-a");
    /** Hosts discovered through DNS (all on 127.0.0.x with the same port is impossible, so they share one). */
    public static final FakeModelHost DISCOVERED = new FakeModelHost("discovered");

    private static boolean started;

    /** Requests the {@link #FLASH} hosts have received so far, together (since each one's last reset). */
    public static int flashRequests() {
        return FLASH.stream().mapToInt(FakeModelHost::requestCount).sum();
    }

    @Override
    public synchronized Map<String, String> start() {
        if (!started) {
            FLASH.forEach(h -> h.start(0));
            PRO.start(0);
            DISCOVERED.start(0);
            started = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                FLASH.forEach(FakeModelHost::close);
                PRO.close();
                DISCOVERED.close();
            }));
        }
        Map<String, String> p = new HashMap<>();
        p.put(
                "gateway.catalogue.pools.flash.endpoints",
                String.join(",", FLASH.stream().map(FakeModelHost::baseUrl).toList()));
        p.put("gateway.catalogue.pools.flash.accelerator", "CPU");
        p.put("gateway.catalogue.pools.pro.endpoints", PRO.baseUrl());
        p.put("gateway.catalogue.pools.pro.accelerator", "ASCEND");
        p.put("gateway.catalogue.pools.dead.endpoints", "http://127.0.0.1:9");
        p.put("gateway.catalogue.pools.discovered.dns", "fake-pods.test:" + DISCOVERED.port());
        p.put("gateway.catalogue.models.deepseek-v4-flash.pool", "flash");
        p.put("gateway.catalogue.models.deepseek-v4-flash.aliases", "flash-latest");
        p.put("gateway.catalogue.models.deepseek-v4-flash.max-output-tokens", "8192");
        p.put("gateway.catalogue.models.deepseek-v4-pro.pool", "pro");
        p.put("gateway.catalogue.models.deepseek-v4-dead.pool", "dead");
        p.put("gateway.catalogue.models.deepseek-v4-discovered.pool", "discovered");
        // Priced as Flash: the gateway refuses a model without a price in force.
        p.put("gateway.catalogue.models.deepseek-v4-dead.price-tier", "deepseek-v4-flash");
        p.put("gateway.catalogue.models.deepseek-v4-discovered.price-tier", "deepseek-v4-flash");
        p.put("gateway.upstream.first-byte-timeout", "3s");
        p.put("gateway.upstream.stream-idle-timeout", "3s");
        p.put("gateway.upstream.connect-timeout", "500ms");
        p.put("gateway.upstream.breaker-window", "4");
        p.put("gateway.upstream.breaker-delay", "1s");
        p.put("gateway.upstream.metrics-interval", "50ms");
        p.put("gateway.upstream.health-interval", "200ms");
        p.put("gateway.dispatch.metrics-stale-after", "1s");
        p.put("gateway.catalogue.refresh-interval", "1s");
        p.put("gateway.limits.max-body-bytes", "65536");
        // Bodies over 16 KiB take the worker-thread parse path (LargeBodyTest), under the 64 KiB limit above.
        p.put("gateway.limits.worker-parse-over-bytes", "16384");
        p.put("gateway.catalogue.dns-interval", "1h");
        return p;
    }

    @Override
    public void stop() {
        // The hosts live for the whole JVM (the application may restart between test profiles).
    }
}
