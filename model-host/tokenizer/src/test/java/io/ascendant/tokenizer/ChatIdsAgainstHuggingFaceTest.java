package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The official fixtures' prompts encode to exactly the ids Hugging Face's tokenizer gives, and decode back. */
class ChatIdsAgainstHuggingFaceTest {
    @Test
    void fixturePromptsEncodeToReferenceIds() throws IOException {
        Tokenizer tokenizer = Tokenizer.deepSeekV4();
        for (int n = 1; n <= 4; n++) {
            String prompt;
            try (InputStream in = getClass().getResourceAsStream("chat/dsv4/test_output_" + n + ".txt")) {
                prompt = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int[] ids = tokenizer.encode(prompt);
            assertThat(ids)
                    .as("fixture %d", n)
                    .isEqualTo(HuggingFaceOracle.encode(prompt))
                    .startsWith(0);
            assertThat(tokenizer.decode(ids)).isEqualTo(prompt);
        }
    }
}
