package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {
    private final Tokenizer tokenizer = Tokenizer.deepSeekV4();

    @Test
    void neverEmitsHalfACharacter() {
        String text = "🌍 👨‍👩‍👧‍👦 Καλημέρα 你好 ĠÑĤ 𠀀 é";
        int[] ids = tokenizer.encode(text);
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(decoder.next(id));
        }
        pieces.add(decoder.finish());
        for (String p : pieces) {
            assertThat(p).doesNotContain("\uFFFD");
            assertThat(p.isEmpty() || !Character.isHighSurrogate(p.charAt(p.length() - 1)))
                    .isTrue();
        }
        assertThat(String.join("", pieces)).isEqualTo(text);
        assertThat(pieces).contains(""); // the emoji's bytes span several tokens
    }

    @Test
    void holdsAnIncompleteCharacterUntilFinish() {
        int[] ids = tokenizer.encode("🌍");
        assertThat(ids.length).isGreaterThan(1);
        StreamingDecoder decoder = tokenizer.newStreamingDecoder();
        assertThat(decoder.next(ids[0])).isEmpty();
        assertThat(decoder.pendingBytes()).isPositive();
        assertThat(decoder.finish()).isEqualTo("\uFFFD");
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void reportsInvalidBytesAtOnce() {
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xE4, (byte) 0xB8}, 2))
                .isEqualTo(2);
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xE0, (byte) 0x80}, 2))
                .isZero();
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xC0}, 1)).isZero();
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xF4, (byte) 0x90}, 2))
                .isZero();
        assertThat(StreamingDecoder.incompleteTail(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x8C}, 3))
                .isEqualTo(3);
        assertThat(StreamingDecoder.incompleteTail(new byte[] {'a', (byte) 0xE4, (byte) 0xB8, (byte) 0xAD}, 4))
                .isZero();
    }
}
