package io.ascendant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.modelhost.api.HostContract;
import io.ascendant.modelhost.api.HostLoad;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model-host contract checked the same way against the gateway's fake vLLM host and against the real model-host
 * server (a separate process from {@code model-host/server/target/quarkus-app/quarkus-run.jar}, built earlier in the
 * reactor, serving the generated demo checkpoint), so that the host the gateway's tests assume and the host we ship
 * keep one shape. Only what vLLM itself guarantees is required of both; DeepSeek's extra usage fields
 * ({@code prompt_cache_hit_tokens}, {@code prompt_cache_miss_tokens}) must be consistent where present.
 */
class HostConformanceTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SERVER = ROOT.resolve("model-host/server/target/quarkus-app");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static FakeModelHost fake;
    private static Process real;
    private static String realBase;
    private static String realModel = "deepseek-v4-flash";

    @BeforeAll
    static void start() throws Exception {
        fake = new FakeModelHost("fake").start(0);
        assertThat(SERVER.resolve("quarkus-run.jar"))
                .as("the model-host server is built before the gateway in the reactor")
                .exists();
        Path demo = ROOT.resolve("gateway/target/e2e-demo-checkpoint");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (!Files.exists(demo.resolve("config.json"))) {
            Process gen = new ProcessBuilder(
                            java,
                            "--add-modules",
                            "jdk.incubator.vector",
                            "-cp",
                            SERVER.resolve("lib/main") + "/*",
                            "io.ascendant.engine.demo.GenerateDemoCheckpoint",
                            demo.toString(),
                            "demo")
                    .redirectErrorStream(true)
                    .redirectOutput(ROOT.resolve("gateway/target/e2e-demo-checkpoint.log")
                            .toFile())
                    .start();
            assertThat(gen.waitFor()).isZero();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        real = new ProcessBuilder(
                        java,
                        "-Xmx2g",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dquarkus.http.port=" + port,
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.analytics.disabled=true",
                        "-Dmodelhost.model-dir=" + demo,
                        "-Dmodelhost.kv-cache-bytes=268435456",
                        "-Dmodelhost.prefix-cache.bytes=67108864",
                        "-jar",
                        SERVER.resolve("quarkus-run.jar").toString())
                .redirectErrorStream(true)
                .redirectOutput(
                        ROOT.resolve("gateway/target/e2e-model-host.log").toFile())
                .start();
        realBase = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            assertThat(real.isAlive())
                    .as("model host process (see gateway/target/e2e-model-host.log)")
                    .isTrue();
            try {
                if (get(realBase + HostContract.HEALTH).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertThat(System.nanoTime())
                    .as("model host ready within 5 minutes")
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (fake != null) {
            fake.close();
        }
        if (real != null) {
            real.destroy();
            real.waitFor();
        }
    }

    @Test
    void fakeHostKeepsTheContract() throws Exception {
        checkContract(fake.baseUrl(), "fake");
    }

    @Test
    void realHostKeepsTheContract() throws Exception {
        checkContract(realBase, realModel);
    }

    /** The shared checks: health, models, metrics gauges, a whole and a streamed chat with usage. */
    static void checkContract(String base, String model) throws Exception {
        assertThat(get(base + HostContract.HEALTH).statusCode()).isEqualTo(200);

        JsonObject models = new JsonObject(get(base + HostContract.MODELS).body());
        assertThat(models.getJsonArray("data")).isNotEmpty();
        assertThat(models.getJsonArray("data").getJsonObject(0).getString("id")).isNotBlank();

        HttpResponse<String> metrics = get(base + HostContract.METRICS);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(HostLoad.parsePrometheus(metrics.body()).complete()).isTrue();

        String messages = "[{\"role\":\"user\",\"content\":\"What is the weather in Paris today?\"}]";
        JsonObject whole = new JsonObject(post(
                        base + HostContract.CHAT_COMPLETIONS,
                        "{\"model\":\"" + model + "\",\"messages\":" + messages
                                + ",\"max_tokens\":6,\"temperature\":0}")
                .body());
        assertThat(whole.getString("object")).isEqualTo("chat.completion");
        assertThat(whole.getString("id")).isNotBlank();
        JsonObject choice = whole.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
        assertThat(choice.getString("finish_reason")).isIn("stop", "length", "tool_calls");
        checkUsage(whole.getJsonObject("usage"));

        HttpResponse<String> stream = post(
                base + HostContract.CHAT_COMPLETIONS,
                "{\"model\":\"" + model
                        + "\",\"messages\":" + messages + ",\"max_tokens\":6,\"temperature\":0,\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        for (String line : stream.body().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring(6));
            }
        }
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonObject usage = null;
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonObject chunk = new JsonObject(e);
            assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
            if (chunk.getJsonArray("choices").isEmpty()) {
                usage = chunk.getJsonObject("usage");
            } else {
                JsonObject c = chunk.getJsonArray("choices").getJsonObject(0);
                assertThat(c.getJsonObject("delta")).isNotNull();
                if (c.getValue("finish_reason") != null) {
                    finish = c.getString("finish_reason");
                }
            }
        }
        assertThat(finish).isIn("stop", "length", "tool_calls");
        assertThat(usage).as("usage chunk with empty choices before [DONE]").isNotNull();
        checkUsage(usage);
    }

    private static void checkUsage(JsonObject u) {
        long prompt = u.getLong("prompt_tokens");
        long completion = u.getLong("completion_tokens");
        assertThat(prompt).isPositive();
        assertThat(completion).isPositive();
        assertThat(u.getLong("total_tokens")).isEqualTo(prompt + completion);
        long cached = u.getJsonObject("prompt_tokens_details").getLong("cached_tokens");
        assertThat(cached).isBetween(0L, prompt);
        assertThat(u.getJsonObject("completion_tokens_details").getLong("reasoning_tokens"))
                .isBetween(0L, completion);
        if (u.containsKey("prompt_cache_hit_tokens")) {
            assertThat(u.getLong("prompt_cache_hit_tokens")).isEqualTo(cached);
            assertThat(u.getLong("prompt_cache_miss_tokens")).isEqualTo(prompt - cached);
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofMinutes(2))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
