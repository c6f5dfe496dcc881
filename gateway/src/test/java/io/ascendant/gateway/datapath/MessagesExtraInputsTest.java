package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages} refuses what Anthropic's API refuses: a field it does not define is a 400
 * {@code "<path>: Extra inputs are not permitted"} (at the top, in messages, content blocks, system blocks, tools,
 * tool_choice and thinking), a defined parameter the gateway cannot honour is a 400 naming it, and everything the
 * Anthropic SDK sends for what the gateway supports still passes, without reaching the host when refused.
 */
@QuarkusTest
class MessagesExtraInputsTest {
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    @Test
    void refusesAnUnknownTopLevelFieldNamingIt() {
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"max_token\":10," + HI + "}",
                "max_token: Extra inputs are not permitted");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"frequency_penalty\":0.5," + HI + "}",
                "frequency_penalty: Extra inputs are not permitted");
        // Checked before the model, as Anthropic validates the body first.
        anthropic.refused(
                "{\"model\":\"deepseek-v9\",\"max_tokens\":10,\"n\":2," + HI + "}",
                "n: Extra inputs are not permitted");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesUnknownFieldsInsideMessagesBlocksToolsToolChoiceAndThinking() {
        Map<String, String> cases = Map.of(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bob\"}]}",
                "messages.0.name: Extra inputs are not permitted",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"hi\",\"colour\":\"red\"}]}]}",
                "messages.0.content.0.colour: Extra inputs are not permitted",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"system\":[{\"type\":\"text\",\"text\":\"x\","
                        + "\"weight\":1}]," + HI + "}",
                "system.0.weight: Extra inputs are not permitted",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"tools\":[{\"name\":\"f\","
                        + "\"input_schema\":{\"type\":\"object\"},\"parameters\":{}}]," + HI + "}",
                "tools.0.parameters: Extra inputs are not permitted",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"tool_choice\":{\"type\":\"auto\","
                        + "\"parallel\":true}," + HI + "}",
                "tool_choice.parallel: Extra inputs are not permitted",
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"thinking\":{\"type\":\"enabled\","
                        + "\"budget_tokens\":1024,\"effort\":\"high\"}," + HI + "}",
                "thinking.effort: Extra inputs are not permitted");
        cases.forEach(anthropic::refused);
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesAnthropicParametersTheGatewayCannotHonourNamingThem() {
        for (String p : new String[] {"inference_geo", "output_config", "container", "mcp_servers"}) {
            String value = p.equals("mcp_servers") ? "[]" : p.equals("output_config") ? "{}" : "\"us\"";
            anthropic.refused(
                    "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"" + p + "\":" + value + "," + HI + "}",
                    "Unsupported parameter: '" + p + "' is not supported by this gateway.");
        }
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"tools\":[{\"name\":\"f\","
                        + "\"input_schema\":{\"type\":\"object\"},\"strict\":true}]," + HI + "}",
                "Unsupported parameter: 'tools.0.strict' is not supported by this gateway.");
        anthropic.refused(
                "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"service_tier\":\"priority\"," + HI + "}",
                "service_tier: must be 'auto' or 'standard_only'.");
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void acceptsEveryFieldTheSdkSendsForWhatTheGatewaySupports() {
        String body = """
                {"model":"deepseek-v4-pro","max_tokens":2048,"stream":false,"temperature":0.5,"top_p":0.9,"top_k":40,
                 "stop_sequences":["END"],"metadata":{"user_id":"u-1"},"service_tier":"auto",
                 "cache_control":{"type":"ephemeral"},
                 "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral","ttl":"5m"}}],
                 "thinking":{"type":"enabled","budget_tokens":1024},
                 "tool_choice":{"type":"auto","disable_parallel_tool_use":true},
                 "tools":[{"type":"custom","name":"get_weather","description":"d","input_schema":{"type":"object"},
                   "cache_control":{"type":"ephemeral"},"strict":false}],
                 "inference_geo":null,
                 "messages":[
                   {"role":"user","content":[{"type":"text","text":"Weather?","cache_control":{"type":"ephemeral"}}]},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
                     {"type":"redacted_thinking","data":"xyz"},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"},
                      "cache_control":{"type":"ephemeral"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny",
                     "is_error":false,"cache_control":{"type":"ephemeral"}}]}]}
                """;
        anthropic.request().body(body).when().post("/v1/messages").then().statusCode(200);
        var sent = FakeHostsResource.PRO.received().get(0);
        assertThat(sent.getInteger("top_k")).isEqualTo(40);
        assertThat(sent.containsKey("metadata"))
                .as("metadata stays at the gateway")
                .isFalse();
        assertThat(sent.containsKey("service_tier")).isFalse();
        assertThat(sent.containsKey("cache_control")).isFalse();
    }
}
