package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API a request target addresses is read from its leading segments as written. */
class AddressedApiTest {

    @Test
    void readsTheApiFromTheLeadingSegmentsOfThePathAsWritten() {
        Map<String, AddressedApi> expected = Map.ofEntries(
                Map.entry("/v1", AddressedApi.OPENAI),
                Map.entry("/v1/models?after=/admin/", AddressedApi.OPENAI),
                Map.entry("/v1;x/models", AddressedApi.OPENAI),
                Map.entry("/v1/chat/completions", AddressedApi.OPENAI),
                Map.entry("/v1/messages", AddressedApi.ANTHROPIC),
                Map.entry("/v1/messages/count_tokens", AddressedApi.ANTHROPIC),
                Map.entry("/anthropic/v1/messages", AddressedApi.ANTHROPIC),
                Map.entry("/v1/messagesx", AddressedApi.OPENAI),
                Map.entry("/admin", AddressedApi.ADMIN),
                Map.entry("/admin;x=1/api/v1/tenants", AddressedApi.ADMIN),
                Map.entry("/admin/api/v1/tenants", AddressedApi.ADMIN),
                Map.entry("/administrator", AddressedApi.PLATFORM),
                Map.entry("/v1x/models", AddressedApi.PLATFORM),
                Map.entry("/q/health", AddressedApi.PLATFORM),
                Map.entry("/", AddressedApi.PLATFORM),
                Map.entry("*", AddressedApi.PLATFORM));
        expected.forEach(
                (target, api) -> assertThat(AddressedApi.of(target)).as(target).isEqualTo(api));
    }

    @Test
    void readsAnAbsoluteFormTargetByItsPath() {
        Map<String, AddressedApi> expected = Map.ofEntries(
                Map.entry("http://127.0.0.1:8080/v1/models", AddressedApi.OPENAI),
                Map.entry("http://127.0.0.1:8080/v1/models?x=%zz", AddressedApi.OPENAI),
                Map.entry("HTTPS://gateway.example/v1/messages", AddressedApi.ANTHROPIC),
                Map.entry("http://gateway.example:80/anthropic/v1/messages", AddressedApi.ANTHROPIC),
                Map.entry("http://user@gateway.example/admin/api/v1/tenants", AddressedApi.ADMIN),
                Map.entry("http://gateway.example", AddressedApi.PLATFORM),
                Map.entry("http://gateway.example?/v1/models", AddressedApi.PLATFORM),
                Map.entry("http://gateway.example/q/health", AddressedApi.PLATFORM));
        expected.forEach(
                (target, api) -> assertThat(AddressedApi.of(target)).as(target).isEqualTo(api));
    }

    @Test
    void anUnreadableTargetGetsOpenAisShape() {
        assertThat(AddressedApi.of(null)).isEqualTo(AddressedApi.OPENAI);
    }
}
