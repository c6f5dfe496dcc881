package io.ascendant.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.error.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The context-window rule on its own: what fits, what is refused, and the default output budget it leaves. */
class ContextWindowFitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelRoute ROUTE = new ModelRoute("m", List.of(), "m", "pool", "m", 4096, 1000);

    private static PreparedRequest chat(Long maxTokens, long defaultBudget) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        if (maxTokens != null) {
            body.put("max_tokens", maxTokens);
        }
        return new PreparedRequest(
                ROUTE,
                "m",
                "/v1/chat/completions",
                body,
                false,
                false,
                "user: hi\n",
                maxTokens == null ? defaultBudget : maxTokens);
    }

    @Test
    void promptPlusMaxTokensExactlyAtTheWindowFits() {
        PreparedRequest p = chat(400L, 0);
        assertThat(ContextWindow.fit(p, 600, false)).isSameAs(p);
    }

    @Test
    void oneTokenOverTheWindowIsRefusedNamingTheNumbers() {
        GatewayException.InvalidRequest e =
                assertThrows(GatewayException.InvalidRequest.class, () -> ContextWindow.fit(chat(401L, 0), 600, false));
        assertThat(e.code()).isEqualTo("context_length_exceeded");
        assertThat(e.param()).isEqualTo("messages");
        assertThat(e.getMessage())
                .contains(
                        "maximum context length is 1000 tokens",
                        "1001 tokens (600 in the" + " messages, 401 in the completion)");
    }

    @Test
    void withoutMaxTokensTheDefaultBudgetIsCappedToTheRoomLeftSoHoldsNeverExceedIt() {
        PreparedRequest capped = ContextWindow.fit(chat(null, 4096), 900, false);
        assertThat(capped.maxOutputTokens()).isEqualTo(100);
        PreparedRequest small = chat(null, 16);
        assertThat(ContextWindow.fit(small, 900, false)).isSameAs(small);
    }

    @Test
    void withoutMaxTokensTheCappedDefaultBudgetIsSentToTheHostSoItCannotGeneratePastTheHold() {
        PreparedRequest capped = ContextWindow.fit(chat(null, 4096), 900, false);
        assertThat(capped.hostBody().get("max_tokens").asLong()).isEqualTo(100);
        assertThat(ContextWindow.outputCeiling(capped)).isEqualTo(100);

        PreparedRequest small = ContextWindow.fit(chat(null, 16), 900, false);
        assertThat(small.hostBody().get("max_tokens").asLong()).isEqualTo(16);
        assertThat(ContextWindow.outputCeiling(small)).isEqualTo(16);
    }

    @Test
    void aMaxTokensTheClientSetIsLeftAsItIs() {
        PreparedRequest p = ContextWindow.fit(chat(300L, 0), 600, false);
        assertThat(p.hostBody().get("max_tokens").asLong()).isEqualTo(300);
        assertThat(p.hostBody().has("max_completion_tokens")).isFalse();
        assertThat(ContextWindow.outputCeiling(p)).isEqualTo(300);
    }

    @Test
    void withoutMaxTokensAPromptThatFillsTheWindowIsRefused() {
        GatewayException.InvalidRequest e = assertThrows(
                GatewayException.InvalidRequest.class, () -> ContextWindow.fit(chat(null, 4096), 1000, false));
        assertThat(e.getMessage()).contains("your messages resulted in 1000 tokens");
        GatewayException.InvalidRequest a = assertThrows(
                GatewayException.InvalidRequest.class, () -> ContextWindow.fit(chat(null, 4096), 1001, true));
        assertThat(a.getMessage()).isEqualTo("prompt is too long: 1001 tokens > 1000 maximum");
    }
}
