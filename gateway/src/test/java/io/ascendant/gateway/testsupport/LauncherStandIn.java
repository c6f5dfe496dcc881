package io.ascendant.gateway.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Stands in for every program {@code ./ascendant up} starts, so launcher tests can run {@code up} in seconds with no
 * build, database or Keycloak. {@link StandInInstallation}'s fake {@code java} and {@code kc.sh} run this class with
 * their own arguments; it recognises the part from them and answers just what the launcher asks of that part:
 *
 * <ul>
 *   <li>{@code ... -jar gateway.jar postgres}: waits while {@code $ASCENDANT_HOME/postgres-waits} exists, then
 *       listens on {@code ASCENDANT_POSTGRES_PORT}, writes the password file and prints {@code READY};
 *   <li>{@code kc.sh start ...}: health on the management port; on the HTTP port the bootstrap-admin token, the
 *       console client and its update (204);
 *   <li>{@code ... -Dmodelhost.model-dir=... -jar model-host.jar}: {@code /health} and {@code /v1/models}; exits at
 *       once with status 3 while {@code $ASCENDANT_HOME/modelhost-fails} exists (a host that cannot start); writes its
 *       arguments, one a line, to {@code $ASCENDANT_HOME/modelhost.args};
 *   <li>{@code ... -jar gateway.jar serve}: {@code /q/health/ready} on {@code QUARKUS_HTTP_PORT};
 *   <li>{@code ... -jar gateway.jar migrate}: writes its PID to {@code $ASCENDANT_HOME/migrate.pid} and waits.
 * </ul>
 *
 * Every part then runs until it is signalled.
 */
public final class LauncherStandIn {

    /** The stood-in PostgreSQL's port, held (and kept from the garbage collector) until the process ends. */
    private static ServerSocket postgres;

    private LauncherStandIn() {}

    /** Entry point; {@code args} are the stood-in program's own arguments (see the class comment). */
    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        Path home = Path.of(System.getenv("ASCENDANT_HOME"));
        if (list.contains("start") && option(list, "--http-management-port=").isPresent()) {
            HttpServer management = serve(
                    Integer.parseInt(option(list, "--http-management-port=").orElseThrow()));
            management.createContext("/health/ready", exchange -> answer(exchange, 200, "{\"status\":\"UP\"}"));
            HttpServer http =
                    serve(Integer.parseInt(option(list, "--http-port=").orElseThrow()));
            http.createContext(
                    "/realms/master/protocol/openid-connect/token",
                    exchange -> answer(exchange, 200, "{\"access_token\":\"stand-in\"}"));
            http.createContext(
                    "/admin/realms/ascendant/clients",
                    exchange -> answer(
                            exchange, exchange.getRequestMethod().equals("PUT") ? 204 : 200, "[{\"id\":\"console\"}]"));
        } else if (option(list, "-Dmodelhost.model-dir=").isPresent()) {
            Files.write(home.resolve("modelhost.args"), list);
            if (Files.exists(home.resolve("modelhost-fails"))) {
                System.out.println("stand-in model host: failing at start on purpose");
                System.exit(3);
            }
            HttpServer http =
                    serve(Integer.parseInt(option(list, "-Dquarkus.http.port=").orElseThrow()));
            http.createContext("/health", exchange -> answer(exchange, 200, "{\"status\":\"UP\"}"));
            http.createContext(
                    "/v1/models", exchange -> answer(exchange, 200, "{\"data\":[{\"max_model_len\":4096}]}"));
        } else if (list.contains("postgres")) {
            String dataDir = Optional.ofNullable(System.getenv("ASCENDANT_POSTGRES_DATA_DIR"))
                    .orElse(home.resolve("data/postgres").toString());
            while (Files.exists(home.resolve("postgres-waits"))) {
                Thread.sleep(50);
            }
            postgres = new ServerSocket(
                    Integer.parseInt(System.getenv("ASCENDANT_POSTGRES_PORT")), 16, InetAddress.getLoopbackAddress());
            Files.createDirectories(Path.of(dataDir).getParent());
            Files.writeString(Path.of(dataDir + ".password"), "stand-in");
            System.out.println("READY postgres");
        } else if (list.contains("serve")) {
            HttpServer http = serve(Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT")));
            http.createContext("/q/health/ready", exchange -> answer(exchange, 200, "{\"status\":\"UP\"}"));
        } else if (list.contains("migrate")) {
            Files.writeString(
                    home.resolve("migrate.pid"),
                    Long.toString(ProcessHandle.current().pid()));
        } else {
            System.err.println("stand-in: no part recognised in " + list);
            System.exit(2);
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Optional<String> option(List<String> args, String prefix) {
        return args.stream()
                .filter(a -> a.startsWith(prefix))
                .map(a -> a.substring(prefix.length()))
                .findFirst();
    }

    private static HttpServer serve(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
