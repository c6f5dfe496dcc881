package io.ascendant.tenancy.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ApiKeyHasherTest {

    private static final String PEPPER = "unit-test-pepper-0123456789abcdef0123";

    @Test
    void hashIsHmacSha256OfTheKeyWithThePepper() throws Exception {
        String key = "asc_example";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PEPPER.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal(key.getBytes(StandardCharsets.UTF_8));

        byte[] actual = new ApiKeyHasher(PEPPER).hash(key);

        assertThat(HexFormat.of().formatHex(actual)).isEqualTo(HexFormat.of().formatHex(expected));
        assertThat(actual).hasSize(ApiKeyHasher.HASH_LENGTH);
    }

    @Test
    void differentPepperGivesDifferentHash() {
        byte[] a = new ApiKeyHasher(PEPPER).hash("asc_x");
        byte[] b = new ApiKeyHasher(PEPPER + "!").hash("asc_x");

        assertThat(ApiKeyHasher.matches(a, b)).isFalse();
        assertThat(ApiKeyHasher.matches(a, new ApiKeyHasher(PEPPER).hash("asc_x")))
                .isTrue();
    }

    @Test
    void refusesMissingPepperNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ApiKeyHasher(null));

        assertThat(e.getMessage()).contains("tenancy.api-keys.pepper").contains("TENANCY_API_KEYS_PEPPER");
    }

    @Test
    void refusesShortPepperSayingTheMinimum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ApiKeyHasher("short"));

        assertThat(e.getMessage()).contains("too short").contains("32");
    }
}
