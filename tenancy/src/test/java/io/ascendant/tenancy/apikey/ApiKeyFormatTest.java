package io.ascendant.tenancy.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedKeyHasPrefixPublicIdSecretAndChecksum() {
        ApiKeyFormat.Generated g = ApiKeyFormat.generate(random);

        assertThat(g.text()).hasSize(ApiKeyFormat.KEY_LENGTH).startsWith("asc_" + g.publicId() + "_");
        assertThat(g.text()).matches("asc_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}");
        assertThat(ApiKeyFormat.parsePublicId(g.text())).contains(g.publicId());
    }

    @Test
    void secretCarriesAtLeast256Bits() {
        // 43 base62 digits hold 43 * log2(62) bits; the generator fills them from 32 random bytes.
        assertThat(ApiKeyFormat.SECRET_LENGTH * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(256.0);
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String text = ApiKeyFormat.generate(random).text();
            secrets.add(text.substring(17, 17 + ApiKeyFormat.SECRET_LENGTH));
        }
        assertThat(secrets).hasSize(2000);
    }

    @Test
    void rejectsEverySingleCharacterTypo() {
        String key = ApiKeyFormat.generate(random).text();
        int caught = 0;
        int tried = 0;
        for (int i = 4; i < key.length(); i++) {
            if (key.charAt(i) == '_') {
                continue;
            }
            char replacement = key.charAt(i) == 'a' ? 'b' : 'a';
            String typo = key.substring(0, i) + replacement + key.substring(i + 1);
            tried++;
            if (ApiKeyFormat.parsePublicId(typo).isEmpty()) {
                caught++;
            }
        }
        assertThat(caught).isEqualTo(tried);
    }

    @Test
    void rejectsTruncatedWrongPrefixAndForeignCharacters() {
        String key = ApiKeyFormat.generate(random).text();

        assertThat(ApiKeyFormat.parsePublicId(key.substring(0, key.length() - 1)))
                .isEmpty();
        assertThat(ApiKeyFormat.parsePublicId("sk_" + key.substring(3))).isEmpty();
        assertThat(ApiKeyFormat.parsePublicId(key.substring(0, 20) + "-" + key.substring(21)))
                .isEmpty();
        assertThat(ApiKeyFormat.parsePublicId(null)).isEmpty();
        assertThat(ApiKeyFormat.parsePublicId("")).isEmpty();
    }

    @Test
    void swappingTwoCharactersIsCaught() {
        String key = ApiKeyFormat.generate(random).text();
        int i = 30;
        while (key.charAt(i) == key.charAt(i + 1)) {
            i++;
        }
        String swapped = key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2);

        assertThat(ApiKeyFormat.parsePublicId(swapped)).isEmpty();
    }

    @Test
    void generatedValueNeverPrintsTheSecret() {
        ApiKeyFormat.Generated g = ApiKeyFormat.generate(random);

        assertThat(g.toString()).doesNotContain(g.text()).contains(g.publicId());
    }
}
