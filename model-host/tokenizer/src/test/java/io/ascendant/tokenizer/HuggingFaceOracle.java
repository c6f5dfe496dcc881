package io.ascendant.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hugging Face's own Rust tokenizers (through DJL's JNI binding) over the same V4 tokenizer.json: the oracle of the
 * differential tests. One native tokenizer per test JVM. Surefire sets DJL_OFFLINE/OPT_OUT_TRACKING so that DJL never
 * reaches the network; truncation and padding are off and no special tokens are added.
 */
final class HuggingFaceOracle {
    private static HuggingFaceTokenizer instance;

    private HuggingFaceOracle() {}

    /** The uncompressed V4 tokenizer.json, written once to a temporary directory. */
    static synchronized Path v4TokenizerJson() {
        try {
            Path dir = Files.createTempDirectory("ascendant-v4-tokenizer");
            Path file = dir.resolve("tokenizer.json");
            Tokenizer.writeDeepSeekV4Json(file);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized HuggingFaceTokenizer v4() {
        if (instance == null) {
            try {
                instance = HuggingFaceTokenizer.builder()
                        .optTokenizerPath(v4TokenizerJson())
                        .optAddSpecialTokens(false)
                        .optTruncation(false)
                        .optPadding(false)
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    static int[] encode(String text) {
        return toInts(v4().encode(text, false, false).getIds());
    }

    static int[][] encodeAll(List<String> texts) {
        Encoding[] enc = v4().batchEncode(texts, false, false);
        int[][] out = new int[enc.length][];
        for (int i = 0; i < enc.length; i++) {
            out[i] = toInts(enc[i].getIds());
        }
        return out;
    }

    static String decode(int[] ids) {
        return decode(ids, false);
    }

    static String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return v4().decode(l, skipSpecialTokens);
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
