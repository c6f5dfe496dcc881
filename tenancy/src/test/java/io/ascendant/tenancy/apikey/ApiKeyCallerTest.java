package io.ascendant.tenancy.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiKeyCallerTest {

    private static ApiKeyCaller caller(Set<String> models) {
        return caller(models, Set.of(ApiKeyScope.values()));
    }

    private static ApiKeyCaller caller(Set<String> models, Set<ApiKeyScope> scopes) {
        return new ApiKeyCaller(
                UUID.randomUUID(),
                UUID.randomUUID(),
                UUID.randomUUID(),
                "pub123",
                models,
                "USD",
                ZoneId.of("UTC"),
                scopes);
    }

    @Test
    void aKeyWithoutAScopeIsRefusedNamingTheScopeAndTheEndpoint() {
        ApiKeyCaller c = caller(Set.of(), Set.of(ApiKeyScope.INFERENCE));

        c.requireScope(ApiKeyScope.INFERENCE, "/v1/chat/completions");
        TenantApiException e =
                assertThrows(TenantApiException.class, () -> c.requireScope(ApiKeyScope.BILLING_READ, "/v1/usage"));
        assertThat(e.error()).isEqualTo(TenantApiError.INSUFFICIENT_SCOPE);
        assertThat(e.error().status()).isEqualTo(403);
        assertThat(e.detail()).contains("billing:read", "/v1/usage", "Missing scopes: billing:read");
        assertThat(e.error().body(null, e.detail()).error().type()).isEqualTo("permission_error");
    }

    @Test
    void emptyAllowListMeansEveryModel() {
        assertThat(caller(Set.of()).mayUse("deepseek-v4-pro")).isTrue();
    }

    @Test
    void allowListRestrictsModels() {
        ApiKeyCaller c = caller(Set.of("deepseek-v4-flash"));

        assertThat(c.mayUse("deepseek-v4-flash")).isTrue();
        assertThat(c.mayUse("deepseek-v4-pro")).isFalse();
    }

    @Test
    void nameIsThePublicId() {
        assertThat(caller(Set.of()).getName()).isEqualTo("pub123");
    }

    @Test
    void errorBodyIsOpenAiShaped() {
        String json = TenantApiError.INVALID_API_KEY.body(null).toJson();

        assertThat(json)
                .isEqualTo(
                        "{\"error\":{\"message\":\"Incorrect API key provided, or the key has been revoked or has"
                                + " expired.\",\"type\":\"authentication_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
    }
}
