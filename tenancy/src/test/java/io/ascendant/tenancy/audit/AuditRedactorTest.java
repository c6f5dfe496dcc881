package io.ascendant.tenancy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.tenancy.apikey.ApiKeyFormat;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditRedactorTest {

    @Test
    void redactsSecretNamedProperties() {
        Map<String, Object> out = AuditRedactor.redact(
                Map.of("secret", "x", "secretHash", "y", "password", "z", "name", "prod", "tokensPerMinute", 5));

        assertThat(out)
                .containsEntry("secret", AuditRedactor.REDACTED)
                .containsEntry("secretHash", AuditRedactor.REDACTED)
                .containsEntry("password", AuditRedactor.REDACTED)
                .containsEntry("name", "prod")
                .containsEntry("tokensPerMinute", 5);
    }

    @Test
    void redactsKeyTextAnywhere() {
        String key = ApiKeyFormat.generate(new SecureRandom()).text();
        Map<String, Object> out =
                AuditRedactor.redact(Map.of("note", "leaked " + key + " here", "nested", Map.of("list", List.of(key))));

        assertThat(out.toString()).doesNotContain(key).contains(AuditRedactor.REDACTED);
    }
}
