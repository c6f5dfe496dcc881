package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.models.Model;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI and Anthropic Java SDKs work unchanged against the gateway (loopback, no retries). */
@QuarkusTest
class SdkCompatibilityTest {

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    TestKeys.Key key;
    OpenAIClient openai;
    AnthropicClient anthropic;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
        openai = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(key.text())
                .maxRetries(0)
                .build();
        anthropic = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .apiKey(key.text())
                .maxRetries(0)
                .build();
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Weather in a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .build())
                        .build())
                .build();
    }

    @Test
    void openAiSdkCreatesAChatCompletion() {
        ChatCompletion c = openai.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("deepseek-v4-pro")
                        .addUserMessage("Say hello")
                        .maxCompletionTokens(64)
                        .build());
        assertThat(c.choices().get(0).message().content()).contains("Hello from the fake host");
        assertThat(c.model()).isEqualTo("deepseek-v4-pro");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    @Test
    void openAiSdkRetrievesAModelAndGetsNotFoundForOneTheKeyMayNotUse() {
        Model m = openai.models().retrieve("deepseek-v4-pro");
        assertThat(m.id()).isEqualTo("deepseek-v4-pro");
        assertThat(m._object_()).isEqualTo(JsonValue.from("model"));
        assertThat(m.ownedBy()).isEqualTo("ascendant");
        assertThat(m.created()).isZero();

        OpenAIClient limited = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(keys.create(Set.of("deepseek-v4-pro")).text())
                .maxRetries(0)
                .build();
        NotFoundException e =
                assertThrows(NotFoundException.class, () -> limited.models().retrieve("deepseek-v4-flash"));
        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.code()).contains("model_not_found");
    }

    @Test
    void openAiSdkStreamsAChatCompletionWithUsage() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = openai.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("deepseek-v4-pro")
                        .addUserMessage("Say hello")
                        .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content()).contains("Hello from the fake host");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    @Test
    void openAiSdkGetsToolCallsStreamedAndNot() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("deepseek-v4-pro")
                .addUserMessage("Weather in Paris?")
                .addTool(weatherTool())
                .build();
        ChatCompletion c = openai.chat().completions().create(params);
        var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var stream = openai.chat().completions().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        var streamed = acc.chatCompletion()
                .choices()
                .get(0)
                .message()
                .toolCalls()
                .orElseThrow()
                .get(0)
                .asFunction();
        assertThat(streamed.function().name()).isEqualTo("get_weather");
        assertThat(streamed.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void anthropicSdkCreatesAMessageWithThinking() {
        Message m = anthropic
                .messages()
                .create(MessageCreateParams.builder()
                        .model("deepseek-v4-pro")
                        .maxTokens(2048)
                        .enabledThinking(1024)
                        .addUserMessage("Say hello")
                        .build());
        assertThat(m.content()).hasSize(2);
        assertThat(m.content().get(0).thinking().orElseThrow().thinking()).isEqualTo("Let me think");
        assertThat(m.content().get(0).thinking().orElseThrow().signature()).isNotEmpty();
        assertThat(m.content().get(1).text().orElseThrow().text()).isEqualTo("Hello from the fake host");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isEqualTo(8);
        assertThat(m.usage().inputTokens()).isPositive();
    }

    @Test
    void anthropicSdkStreamsThinkingTextAndUsage() {
        MessageAccumulator acc = MessageAccumulator.create();
        String requestId;
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic
                .messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("deepseek-v4-pro")
                        .maxTokens(2048)
                        .enabledThinking(1024)
                        .addUserMessage("Say hello")
                        .build())) {
            stream.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        requestId = m.id().substring("msg_".length());
        assertThat(m.content().get(0).thinking().orElseThrow().thinking()).isEqualTo("Let me think ");
        assertThat(m.content().get(0).thinking().orElseThrow().signature())
                .as("the signature_delta before the block's stop")
                .isNotEmpty();
        assertThat(m.content().get(1).text().orElseThrow().text()).isEqualTo("Hello from the fake host");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isEqualTo(8);
        var record = metered.single(requestId).event();
        assertThat(record.status()).isEqualTo(UsageStatus.COMPLETED);
        assertThat(record.reasoningTokens()).isEqualTo(3);
    }

    @Test
    void anthropicSdkCountsTheTokensOfThePromptTheHostIsSent() throws Exception {
        Tool weather = Tool.builder()
                .name("get_weather")
                .description("Weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
        anthropic
                .messages()
                .create(MessageCreateParams.builder()
                        .model("deepseek-v4-pro")
                        .maxTokens(2048)
                        .system("Answer in one sentence.")
                        .enabledThinking(1024)
                        .addTool(weather)
                        .addUserMessage("Weather in Paris?")
                        .build());
        assertThat(FakeHostsResource.PRO.received()).hasSize(1);
        long hostPrompt = MessageTokenCountTest.hostPromptTokens(
                FakeHostsResource.PRO.received().get(0));

        long counted = anthropic
                .messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model("deepseek-v4-pro")
                        .system("Answer in one sentence.")
                        .enabledThinking(1024)
                        .addTool(weather)
                        .addUserMessage("Weather in Paris?")
                        .build())
                .inputTokens();

        assertThat(counted).isEqualTo(hostPrompt).isPositive();
        assertThat(FakeHostsResource.PRO.received())
                .as("counting reaches no host")
                .hasSize(1);
    }

    private static Tool anthropicWeatherTool() {
        return Tool.builder()
                .name("get_weather")
                .description("Weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
    }

    @Test
    void anthropicSdkGetsToolUseStreamedAndNot() {
        MessageCreateParams params = MessageCreateParams.builder()
                .model("deepseek-v4-pro")
                .maxTokens(256)
                .addUserMessage("Weather in Paris?")
                .addTool(anthropicWeatherTool())
                .build();
        Message m = anthropic.messages().create(params);
        ContentBlock block = m.content().get(0);
        assertThat(block.isToolUse()).isTrue();
        assertThat(block.toolUse().orElseThrow().id()).isEqualTo("toolu_call_fake_1"); // the host's call_fake_1
        assertThat(block.toolUse().orElseThrow().name()).isEqualTo("get_weather");
        assertThat(block.toolUse().orElseThrow()._input().toString()).contains("Paris");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        Message streamed = acc.message();
        assertThat(streamed.content().get(0).toolUse().orElseThrow().id()).isEqualTo("toolu_call_fake_1");
        assertThat(streamed.content().get(0).toolUse().orElseThrow().name()).isEqualTo("get_weather");
        assertThat(streamed.content().get(0).toolUse().orElseThrow()._input().toString())
                .contains("Paris");
        assertThat(streamed.stopReason()).contains(StopReason.TOOL_USE);
    }

    @Test
    void anthropicSdkAnswersAToolUseAndTheHostGetsItsOwnCallIdBack() {
        MessageCreateParams ask = MessageCreateParams.builder()
                .model("deepseek-v4-pro")
                .maxTokens(256)
                .addUserMessage("Weather in Paris?")
                .addTool(anthropicWeatherTool())
                .build();
        Message call = anthropic.messages().create(ask);
        String toolUseId = call.content().stream()
                .filter(ContentBlock::isToolUse)
                .findFirst()
                .orElseThrow()
                .toolUse()
                .orElseThrow()
                .id();
        assertThat(toolUseId).startsWith("toolu_");

        Message answered = anthropic
                .messages()
                .create(ask.toBuilder()
                        .addMessage(call)
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId(toolUseId)
                                        .content("Sunny, 21 C")
                                        .build())))
                        .build());
        assertThat(answered.content()).isNotEmpty();

        JsonArray sent = FakeHostsResource.PRO.received().getLast().getJsonArray("messages");
        JsonObject assistant = sent.getJsonObject(sent.size() - 2);
        JsonObject tool = sent.getJsonObject(sent.size() - 1);
        assertThat(assistant.getJsonArray("tool_calls").getJsonObject(0).getString("id"))
                .isEqualTo("call_fake_1");
        assertThat(tool.getString("role")).isEqualTo("tool");
        assertThat(tool.getString("tool_call_id")).isEqualTo("call_fake_1");
    }
}
