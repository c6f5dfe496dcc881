package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Token ids published for DeepSeek V4 by independent ports (reference note section 3.5), without BOS. */
class DeepSeekV4GoldenIdsTest {
    private final Tokenizer tokenizer = Tokenizer.deepSeekV4();

    @Test
    void encodesEnglishWithDigitsAndNewline() {
        assertThat(tokenizer.encode("Hello, world! 123\nsecond line"))
                .containsExactly(19923, 14, 2058, 3, 223, 6895, 201, 10930, 2562);
    }

    @Test
    void encodesChineseGreekAndEmoji() {
        assertThat(tokenizer.encode("你好，世界！ Καλημέρα κόσμε 🌍"))
                .containsExactly(30594, 303, 3427, 1175, 51901, 25696, 29537, 11983, 122189, 2781, 30619, 73369, 238);
    }

    @Test
    void encodesChatMarkersAsSingleTokens() {
        assertThat(
                        tokenizer.encode(
                                "<｜begin▁of▁sentence｜><｜User｜>question<｜Assistant｜><think>reason</think>answer<｜end▁of▁sentence｜>"))
                .containsExactly(0, 128803, 20072, 128804, 128821, 86512, 128822, 19995, 1);
        assertThat(tokenizer.encode("<｜User｜>你好<｜Assistant｜><think>推理</think>答案<｜end▁of▁sentence｜>"))
                .containsExactly(128803, 30594, 128804, 128821, 36101, 128822, 7624, 1);
    }

    @Test
    void encodesByteLevelLookalikeText() {
        assertThat(tokenizer.encode("Hello! 毕老师！1 + 1 = 2 ĠÑĤÐ²ÑĬÑĢ"))
                .containsExactly(
                        19923, 3, 223, 5464, 5008, 1175, 19, 940, 223, 19, 438, 223, 20, 6113, 257, 76589, 131, 100,
                        76032, 1628, 76589, 131, 108, 76589, 131, 98);
    }

    @Test
    void encodesThinkingPromptOfTheReadme() {
        assertThat(tokenizer.encode(
                        "<｜begin▁of▁sentence｜>You are a helpful assistant.<｜User｜>What is 2+2?<｜Assistant｜><think>"))
                .containsExactly(
                        0, 3476, 477, 260, 11502, 22896, 16, 128803, 3085, 344, 223, 20, 13, 20, 33, 128804, 128821);
    }

    @Test
    void definesEveryIdWithoutGaps() {
        assertThat(tokenizer.vocabularySize()).isEqualTo(129_280);
        for (int id = 0; id < tokenizer.vocabularySize(); id++) {
            assertThat(tokenizer.tokenBytes(id)).as("id %d", id).isNotNull();
        }
        assertThat(tokenizer.tokenId("<think>")).hasValue(128821);
        assertThat(tokenizer.tokenId("</think>")).hasValue(128822);
        assertThat(tokenizer.tokenId("｜DSML｜")).hasValue(128825);
        assertThat(tokenizer.tokenId("<｜latest_reminder｜>")).hasValue(128828);
        assertThat(tokenizer.tokenId("<|place_holder_mm_span_0021|>")).hasValue(128847);
        assertThat(tokenizer.tokenId("<|place_holder_mm_span_0435|>")).hasValue(129261);
        assertThat(tokenizer.tokenId("<｜image｜>")).hasValue(129279);
    }

    @Test
    void countsWhatItEncodes() {
        String text = "Hello, world! 123\nsecond line 你好 🌍🌍 <think>";
        assertThat(tokenizer.countTokens(text)).isEqualTo(tokenizer.encode(text).length);
    }

    @Test
    void writesTheV4FileThatLoadsToTheSameTokenizer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("tokenizer.json");
        Tokenizer.writeDeepSeekV4Json(file);
        Tokenizer loaded = Tokenizer.load(file);
        assertThat(java.nio.file.Files.readString(file)).startsWith("{\"version\":\"1.0\"");
        assertThat(loaded.encode("<｜User｜>你好 world 123")).isEqualTo(tokenizer.encode("<｜User｜>你好 world 123"));
        assertThat(loaded.vocabularySize()).isEqualTo(129_280);
    }
}
