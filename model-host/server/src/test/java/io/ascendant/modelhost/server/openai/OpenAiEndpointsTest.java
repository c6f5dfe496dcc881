package io.ascendant.modelhost.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.modelhost.api.HostLoad;
import io.ascendant.modelhost.server.testsupport.DemoModelResource;
import io.ascendant.modelhost.server.testsupport.HostClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(DemoModelResource.class)
class OpenAiEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGES = "[{\"role\":\"user\",\"content\":\"Say hello to the gateway.\"}]";

    @TestHTTPResource("/")
    URL base;

    HostClient client;

    @BeforeEach
    void ready() throws InterruptedException {
        client = new HostClient(base.toString());
        client.awaitReady(Duration.ofSeconds(180));
    }

    private static String chat(String extra) {
        return "{\"model\":\"deepseek-v4-flash\",\"messages\":" + MESSAGES + ",\"temperature\":0" + extra + "}";
    }

    @Test
    void listsTheServedModelWithItsMaxModelLen() {
        JsonNode models = client.get("/v1/models").json();
        assertThat(models.path("object").asText()).isEqualTo("list");
        assertThat(models.path("data").get(0).path("id").asText()).isEqualTo("deepseek-v4-flash");
        assertThat(models.path("data").get(0).path("max_model_len").asInt()).isEqualTo(4096);
    }

    @Test
    void answersChatWithExactUsage() {
        HostClient.Reply r = client.post("/v1/chat/completions", chat(",\"max_tokens\":6,\"ignore_eos\":true"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode a = r.json();
        int promptTokens = client.post("/tokenize", "{\"messages\":" + MESSAGES + "}")
                .json()
                .path("count")
                .asInt();
        assertThat(a.path("object").asText()).isEqualTo("chat.completion");
        assertThat(a.path("choices").get(0).path("message").path("role").asText())
                .isEqualTo("assistant");
        assertThat(a.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        JsonNode u = a.path("usage");
        assertThat(u.path("prompt_tokens").asInt()).isEqualTo(promptTokens);
        assertThat(u.path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(u.path("total_tokens").asInt()).isEqualTo(promptTokens + 6);
        assertThat(u.path("prompt_cache_hit_tokens").asInt()
                        + u.path("prompt_cache_miss_tokens").asInt())
                .isEqualTo(promptTokens);
        assertThat(u.path("prompt_tokens_details").path("cached_tokens").asInt())
                .isEqualTo(u.path("prompt_cache_hit_tokens").asInt());
        assertThat(u.path("completion_tokens_details").path("reasoning_tokens").asInt())
                .isZero();
    }

    @Test
    void streamsTheSameGreedyAnswerAsDeltasEndingWithUsageAndDone() throws Exception {
        JsonNode whole = client.post("/v1/chat/completions", chat(",\"max_tokens\":8,\"ignore_eos\":true"))
                .json();
        HostClient.Reply s = client.post(
                "/v1/chat/completions",
                chat(",\"max_tokens\":8,\"ignore_eos\":true,\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}"));
        assertThat(s.status()).isEqualTo(200);
        List<String> events = s.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode c = JSON.readTree(e);
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (c.path("choices").isEmpty()) {
                usage = c.path("usage");
                continue;
            }
            JsonNode ch = c.path("choices").get(0);
            content.append(ch.path("delta").path("content").asText(""));
            if (!ch.path("finish_reason").isNull()) {
                finish = ch.path("finish_reason").asText();
            }
        }
        assertThat(content.toString())
                .isEqualTo(whole.path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText());
        assertThat(finish).isEqualTo("length");
        assertThat(usage).isNotNull();
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(8);
        assertThat(usage.path("prompt_tokens").asInt())
                .isEqualTo(whole.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void thinkingModeReportsReasoningUnderBothNames() {
        JsonNode a = client.post(
                        "/v1/chat/completions",
                        chat(",\"max_tokens\":5,\"ignore_eos\":true,\"thinking\":{\"type\":\"enabled\"}"))
                .json();
        JsonNode m = a.path("choices").get(0).path("message");
        assertThat(m.has("reasoning_content")).isTrue();
        assertThat(m.path("reasoning").asText())
                .isEqualTo(m.path("reasoning_content").asText());
        assertThat(a.path("usage")
                        .path("completion_tokens_details")
                        .path("reasoning_tokens")
                        .asInt())
                .isBetween(0, 5);
    }

    @Test
    void completesTextStreamedAndNotAlike() {
        String req = "{\"model\":\"deepseek-v4-flash\",\"prompt\":\"Once upon a time\",\"max_tokens\":6,"
                + "\"temperature\":0,\"ignore_eos\":true";
        JsonNode whole = client.post("/v1/completions", req + "}").json();
        assertThat(whole.path("object").asText()).isEqualTo("text_completion");
        List<String> events =
                client.post("/v1/completions", req + ",\"stream\":true}").events();
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            text.append(readTree(e).path("choices").get(0).path("text").asText());
        }
        assertThat(text.toString())
                .isEqualTo(whole.path("choices").get(0).path("text").asText());
        assertThat(whole.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void rejectsUnknownParameterNamingIt() {
        HostClient.Reply r = client.post("/v1/chat/completions", chat(",\"frobnicate\":1"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("frobnicate");
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void acceptsDefaultResponseFormatAndServiceTierAndRefusesOthersNamingThem() {
        HostClient.Reply ok = client.post(
                "/v1/chat/completions",
                chat(",\"max_tokens\":2,\"response_format\":{\"type\":\"text\"},\"service_tier\":\"auto\""));
        assertThat(ok.status()).isEqualTo(200);
        HostClient.Reply json =
                client.post("/v1/chat/completions", chat(",\"response_format\":{\"type\":\"json_object\"}"));
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.json().path("error").path("param").asText()).isEqualTo("response_format.type");
        HostClient.Reply tier = client.post("/v1/chat/completions", chat(",\"service_tier\":\"flex\""));
        assertThat(tier.status()).isEqualTo(400);
        assertThat(tier.json().path("error").path("param").asText()).isEqualTo("service_tier");
    }

    @Test
    void acceptsSkipSpecialTokensEitherWay() {
        for (String v : new String[] {"true", "false"}) {
            HostClient.Reply r =
                    client.post("/v1/chat/completions", chat(",\"max_tokens\":2,\"skip_special_tokens\":" + v));
            assertThat(r.status()).as(v).isEqualTo(200);
        }
    }

    @Test
    void rejectsOutOfRangeSamplingParameterNamingIt() {
        for (String[] bad : new String[][] {
            {"temperature", "3"},
            {"top_p", "0"},
            {"top_logprobs", "50"},
            {"presence_penalty", "-9"},
            {"n", "2"},
            {"min_p", "1.5"},
            {"max_tokens", "0"},
            {"skip_special_tokens", "\"no\""}
        }) {
            HostClient.Reply r = client.post("/v1/chat/completions", chat(",\"" + bad[0] + "\":" + bad[1]));
            assertThat(r.status()).as(bad[0]).isEqualTo(400);
            assertThat(r.json().path("error").path("param").asText()).isEqualTo(bad[0]);
        }
    }

    @Test
    void refusesMaxTokensBeyondTheContextOrTheKvBudgetUpFront() {
        HostClient.Reply ctx = client.post("/v1/chat/completions", chat(",\"max_tokens\":5000"));
        assertThat(ctx.status()).isEqualTo(400);
        assertThat(ctx.json().path("error").path("message").asText()).contains("maximum context length is 4096");
        HostClient.Reply kv = client.post("/v1/chat/completions", chat(",\"max_tokens\":4000"));
        assertThat(kv.status()).isEqualTo(400);
        assertThat(kv.json().path("error").path("param").asText()).isEqualTo("max_tokens");
        assertThat(kv.json().path("error").path("message").asText()).contains("KV budget");
    }

    @Test
    void refusesAnotherModelAndBrokenJson() {
        HostClient.Reply other =
                client.post("/v1/chat/completions", "{\"model\":\"gpt-4\",\"messages\":" + MESSAGES + "}");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("error").path("param").asText()).isEqualTo("model");
        assertThat(client.post("/v1/chat/completions", "{not json").status()).isEqualTo(400);
        assertThat(client.post("/v1/chat/completions", "{\"model\":\"deepseek-v4-flash\"}")
                        .json()
                        .path("error")
                        .path("param")
                        .asText())
                .isEqualTo("messages");
    }

    @Test
    void tokenizesAndDetokenizesRoundTrip() {
        JsonNode t = client.post("/tokenize", "{\"model\":\"deepseek-v4-flash\",\"prompt\":\"Hello, world!\"}")
                .json();
        assertThat(t.path("count").asInt()).isEqualTo(t.path("tokens").size()).isPositive();
        JsonNode d = client.post("/detokenize", "{\"tokens\":" + t.path("tokens") + "}")
                .json();
        assertThat(d.path("prompt").asText()).isEqualTo("Hello, world!");
        assertThat(client.post("/detokenize", "{\"tokens\":[-1]}").status()).isEqualTo(400);
    }

    @Test
    void exportsVllmMetricNames() {
        client.post("/v1/chat/completions", chat(",\"max_tokens\":2"));
        HostClient.Reply m = client.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        for (String name : List.of(
                "vllm:num_requests_running{",
                "vllm:num_requests_waiting{",
                "vllm:kv_cache_usage_perc{",
                "vllm:prefix_cache_queries_total{",
                "vllm:prefix_cache_hits_total{",
                "vllm:prompt_tokens_total{",
                "vllm:generation_tokens_total{",
                "vllm:time_to_first_token_seconds_bucket{",
                "vllm:inter_token_latency_seconds_bucket{",
                "vllm:e2e_request_latency_seconds_count{")) {
            assertThat(m.body()).contains(name);
        }
        assertThat(HostLoad.parsePrometheus(m.body()).complete()).isTrue();
    }

    @Test
    void accountsSchedulerStepTimeAndTheEngineShareOfIt() {
        client.post("/v1/chat/completions", chat(",\"max_tokens\":3"));
        String body = client.get("/metrics").body();
        double step = sample(body, "modelhost:scheduler_step_seconds_total{");
        double engine = sample(body, "modelhost:engine_seconds_total{");
        assertThat(engine).isPositive();
        assertThat(step).isGreaterThanOrEqualTo(engine);
    }

    private static double sample(String body, String prefix) {
        return body.lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(prefix + " missing from /metrics"));
    }

    @Test
    void livenessAndReadinessAnswerWhenLoaded() {
        assertThat(client.get("/health").status()).isEqualTo(200);
        assertThat(client.get("/q/health/ready").status()).isEqualTo(200);
        assertThat(client.get("/q/health/live").status()).isEqualTo(200);
    }

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
