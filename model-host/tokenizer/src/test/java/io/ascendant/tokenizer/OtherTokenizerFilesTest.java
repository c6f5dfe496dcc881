package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The general loader (java.util.regex pre-tokenizer, NFC normalizer, Split behaviours) on two other real byte-level BPE
 * files, Qwen3 and GPT-4o, gives Hugging Face's ids on the generated corpus.
 */
class OtherTokenizerFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "gpt4o"})
    void encodesLikeHuggingFace(String name) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        try (InputStream in =
                new GZIPInputStream(getClass().getResourceAsStream("other/" + name + "-tokenizer.json.gz"))) {
            Files.copy(in, file);
        }
        Tokenizer ours = Tokenizer.load(file);
        List<String> corpus = TextCorpus.generate(11L, List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"));
        List<String> differences = new ArrayList<>();
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build()) {
            for (int from = 0; from < corpus.size(); from += 500) {
                List<String> batch = corpus.subList(from, Math.min(corpus.size(), from + 500));
                Encoding[] expected = hf.batchEncode(batch, false, false);
                for (int i = 0; i < batch.size(); i++) {
                    int[] actual = ours.encode(batch.get(i));
                    int[] want = Arrays.stream(expected[i].getIds())
                            .mapToInt(Math::toIntExact)
                            .toArray();
                    if (!Arrays.equals(actual, want)) {
                        differences.add(DifferentialAgainstHuggingFaceTest.describe(batch.get(i)) + "\n  ours: "
                                + Arrays.toString(actual) + "\n  hf:   " + Arrays.toString(want));
                    }
                }
            }
        }
        System.out.printf("%s: %d texts, %d differences%n", name, corpus.size(), differences.size());
        assertThat(differences.stream().limit(20).toList()).isEmpty();
    }
}
