package io.ascendant.tenancy.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiKeyCallerTest {

    private static ApiKeyCaller caller(Set<String> models) {
        return new ApiKeyCaller(
                UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "pub123", models, "USD", ZoneId.of("UTC"));
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
        TenantApiException e = assertThrows(TenantApiException.class, () -> c.requireModel("deepseek-v4-pro"));
        assertThat(e.error()).isEqualTo(TenantApiError.MODEL_NOT_ALLOWED);
        assertThat(e.error().status()).isEqualTo(403);
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
