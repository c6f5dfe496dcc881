package io.ascendant.modelhost.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.modelhost.server.testsupport.DemoModelResource;
import io.ascendant.modelhost.server.testsupport.HostClient;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ForcedToolCall;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tool_choice} {@code "required"} and a named function, as vLLM accepts them: the host forces the call by
 * writing the tool-call block's opening into the prompt; a forced call without tools, or naming a function that is not
 * among them, is a 400 naming {@code tool_choice}.
 */
@QuarkusTest
@QuarkusTestResource(DemoModelResource.class)
class ForcedToolChoiceTest {
    private static final String QUESTION = "Weather in Paris?";
    private static final String TOOL =
            "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}";
    private static final ChatEncoder V4 = ChatEncoder.deepSeekV4();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    HostClient client;

    @BeforeEach
    void ready() throws InterruptedException {
        client = new HostClient(base.toString());
        client.awaitReady(Duration.ofSeconds(180));
    }

    private HostClient.Reply chat(String tools, String toolChoice, boolean thinking) {
        return chat(tools, toolChoice, thinking, "");
    }

    private HostClient.Reply chat(String tools, String toolChoice, boolean thinking, String more) {
        return client.post(
                "/v1/chat/completions",
                "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION
                        + "\"}],\"temperature\":0,\"max_tokens\":4,\"ignore_eos\":true" + more
                        + (tools == null ? "" : ",\"tools\":[" + tools + "]")
                        + ",\"tool_choice\":" + toolChoice
                        + ",\"thinking\":{\"type\":\"" + (thinking ? "enabled" : "disabled") + "\"}}");
    }

    /** Prompt tokens of the question with the tool, as the V4 encoding renders it, followed by {@code opening}. */
    private static int promptTokens(boolean thinking, String opening) throws Exception {
        List<JsonNode> tools = List.of(new ObjectMapper().readTree(TOOL));
        String prompt = V4.render(List.of(ChatMessage.user(QUESTION)), tools, thinking);
        return V4.tokenizer().encode(prompt + opening).length;
    }

    @Test
    void forcesACallForRequiredAndANamedFunctionByOpeningTheToolCallBlockInThePrompt() throws Exception {
        int auto = chat(TOOL, "\"auto\"", false)
                .json()
                .path("usage")
                .path("prompt_tokens")
                .asInt();
        assertThat(auto).isEqualTo(promptTokens(false, ""));
        for (boolean thinking : new boolean[] {false, true}) {
            HostClient.Reply required = chat(TOOL, "\"required\"", thinking);
            assertThat(required.status()).as(required.body()).isEqualTo(200);
            assertThat(required.json().path("usage").path("prompt_tokens").asInt())
                    .isEqualTo(promptTokens(thinking, ForcedToolCall.opening(thinking, null)))
                    .isGreaterThan(auto);

            HostClient.Reply named =
                    chat(TOOL, "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", thinking);
            assertThat(named.status()).as(named.body()).isEqualTo(200);
            JsonNode usage = named.json().path("usage");
            assertThat(usage.path("prompt_tokens").asInt())
                    .isEqualTo(promptTokens(thinking, ForcedToolCall.opening(thinking, "get_weather")));
            assertThat(usage.path("completion_tokens_details")
                            .path("reasoning_tokens")
                            .asInt())
                    .as("a forced call's opening closes the reasoning")
                    .isZero();
        }
    }

    /**
     * The demo checkpoint never closes the invoke a named {@code tool_choice} opens, so {@code max_tokens} cuts the
     * block: the answer is still that call, with JSON-object arguments and finish reason {@code length}, never DSML
     * markup as content; streamed, the same call arrives as a tool-call delta before the finish chunk.
     */
    @Test
    void namedCallCutOffByMaxTokensIsThatToolCallWithJsonObjectArgumentsStreamedAndNot() throws Exception {
        String named = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}";
        for (boolean thinking : new boolean[] {false, true}) {
            HostClient.Reply whole = chat(TOOL, named, thinking);
            assertThat(whole.status()).as(whole.body()).isEqualTo(200);
            JsonNode choice = whole.json().path("choices").get(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
            JsonNode message = choice.path("message");
            assertThat(message.path("content").asText("")).as(whole.body()).doesNotContain("｜DSML｜");
            assertThat(message.path("reasoning_content").asText("")).doesNotContain("｜DSML｜");
            JsonNode calls = message.path("tool_calls");
            assertThat(calls).as(whole.body()).hasSize(1);
            JsonNode fn = calls.get(0).path("function");
            assertThat(fn.path("name").asText()).isEqualTo("get_weather");
            assertThat(JSON.readTree(fn.path("arguments").asText()).isObject())
                    .as(fn.toString())
                    .isTrue();

            HostClient.Reply streamed = chat(TOOL, named, thinking, ",\"stream\":true");
            assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
            List<String> events = streamed.events();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            List<JsonNode> streamedCalls = new ArrayList<>();
            String finish = null;
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode c = JSON.readTree(e).path("choices").get(0);
                JsonNode delta = c.path("delta");
                assertThat(delta.path("content").asText("")
                                + delta.path("reasoning_content").asText(""))
                        .as(e)
                        .doesNotContain("｜");
                delta.path("tool_calls").forEach(streamedCalls::add);
                if (!c.path("finish_reason").isNull()) {
                    assertThat(finish).as("one finish chunk, the last").isNull();
                    finish = c.path("finish_reason").asText();
                } else {
                    assertThat(finish)
                            .as("nothing after the finish chunk: " + e)
                            .isNull();
                }
            }
            assertThat(finish).isEqualTo("length");
            assertThat(streamedCalls).hasSize(1);
            assertThat(streamedCalls.getFirst().path("index").asInt()).isZero();
            assertThat(streamedCalls.getFirst().path("function")).isEqualTo(fn);
        }
    }

    @Test
    void requiredCallCutOffByMaxTokensNeverShowsMarkup() {
        for (boolean thinking : new boolean[] {false, true}) {
            HostClient.Reply r = chat(TOOL, "\"required\"", thinking);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode choice = r.json().path("choices").get(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
            assertThat(choice.path("message").path("content").asText(""))
                    .as(r.body())
                    .doesNotContain("｜");
            choice.path("message")
                    .path("tool_calls")
                    .forEach(c ->
                            assertThat(c.path("function").path("name").asText()).isEqualTo("get_weather"));
        }
    }

    @Test
    void refusesAForcedCallWithoutTheToolNamingToolChoice() {
        for (HostClient.Reply r : List.of(
                chat(null, "\"required\"", false),
                chat(TOOL, "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}", false),
                chat(TOOL, "{\"type\":\"function\"}", false),
                chat(TOOL, "\"sometimes\"", false))) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().path("error").path("param").asText()).isEqualTo("tool_choice");
            assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(chat(TOOL, "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}", false)
                        .json()
                        .path("error")
                        .path("message")
                        .asText())
                .contains("get_time");
    }
}
