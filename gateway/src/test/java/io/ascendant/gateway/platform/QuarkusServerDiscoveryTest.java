package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServer;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@link QuarkusServerHooks} decides that it has found every HTTP server of Quarkus' web verticle. Quarkus starts
 * one instance per event loop, each creating its servers in its own start; the first pass runs once the first
 * instance has started, when the others may not have run their start yet. Such an instance (its server fields still
 * null) once counted as an instance without servers, so the pass ended without it and its share of the connections
 * was never timed: the rare CI failure of {@code RequestReadTimeoutTest}.
 */
class QuarkusServerDiscoveryTest {

    /** The server fields of Quarkus' {@code WebDeploymentVerticle}. */
    static final class WebVerticle {
        HttpServer httpServer;
        HttpServer httpsServer;
        HttpServer domainSocketServer;

        WebVerticle(HttpServer http, HttpServer https) {
            this.httpServer = http;
            this.httpsServer = https;
        }
    }

    private static HttpServer server() {
        return (HttpServer) Proxy.newProxyInstance(
                HttpServer.class.getClassLoader(),
                new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "server@" + System.identityHashCode(proxy);
                    default -> null;
                });
    }

    @Test
    void anInstanceThatHasNotCreatedItsServerYetIsWaitedFor() throws Exception {
        List<WebVerticle> instances = List.of(new WebVerticle(server(), null), new WebVerticle(null, null));
        assertThat(QuarkusServerHooks.serversOf(instances)).isNull();
    }

    @Test
    void anInstanceWithoutItsHttpsServerYetIsWaitedFor() throws Exception {
        List<WebVerticle> instances = List.of(new WebVerticle(server(), server()), new WebVerticle(server(), null));
        assertThat(QuarkusServerHooks.serversOf(instances)).isNull();
    }

    @Test
    void findsEveryServerOnceEveryInstanceHasCreatedItsOwn() throws Exception {
        HttpServer a = server();
        HttpServer b = server();
        HttpServer c = server();
        HttpServer d = server();
        List<WebVerticle> instances = List.of(new WebVerticle(a, b), new WebVerticle(c, d));
        assertThat(QuarkusServerHooks.serversOf(instances)).containsExactlyInAnyOrder(a, b, c, d);
    }

    @Test
    void serverKindsNoInstanceHasAreNotWaitedFor() throws Exception {
        HttpServer a = server();
        HttpServer b = server();
        List<WebVerticle> instances = List.of(new WebVerticle(a, null), new WebVerticle(b, null));
        assertThat(QuarkusServerHooks.serversOf(instances)).containsExactlyInAnyOrder(a, b);
    }
}
