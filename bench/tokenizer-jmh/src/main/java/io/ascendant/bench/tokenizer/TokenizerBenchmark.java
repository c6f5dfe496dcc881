package io.ascendant.bench.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.ascendant.tokenizer.TextCorpus;
import io.ascendant.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and count throughput of the DeepSeek V4 tokenizer against Hugging Face's Rust tokenizers (DJL binding) on the
 * same corpus: {@code mixed} (prose, code, CJK, other scripts, emoji; {@link TextCorpus#realistic}) or {@code unseen}
 * (random words that defeat both libraries' word caches; {@link TextCorpus#unseenWords}). Each invocation encodes one
 * text; the {@code tokens} and {@code bytes} counters turn into tokens/s and bytes/s (UTF-8 input) per run, summed over
 * threads. Run with {@code -t 1} and {@code -t 2}.
 *
 * <p>DJL must not touch the network: the forks get {@code -Dai.djl.offline=true -DOPT_OUT_TRACKING=true}; also export
 * {@code DJL_OFFLINE=true OPT_OUT_TRACKING=true} in the shell that starts JMH.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "--enable-native-access=ALL-UNNAMED"})
public class TokenizerBenchmark {

    /** The corpus and both tokenizers, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"mixed", "unseen"})
        public String corpus;

        Tokenizer ascendant;
        HuggingFaceTokenizer huggingFace;
        String[] texts;
        int[] utf8Bytes;
        private Path dir;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            ascendant = Tokenizer.deepSeekV4();
            dir = Files.createTempDirectory("bench-v4-tokenizer");
            Path json = dir.resolve("tokenizer.json");
            try (InputStream in = new GZIPInputStream(Tokenizer.class
                    .getClassLoader()
                    .getResourceAsStream("io/ascendant/tokenizer/deepseek-v4/tokenizer.json.gz"))) {
                Files.copy(in, json);
            }
            huggingFace = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(json)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            List<String> list =
                    corpus.equals("unseen") ? TextCorpus.unseenWords(42L, 4000) : TextCorpus.realistic(42L, 4000);
            texts = list.toArray(String[]::new);
            utf8Bytes = new int[texts.length];
            long tokens = 0;
            long bytes = 0;
            for (int i = 0; i < texts.length; i++) {
                utf8Bytes[i] = texts[i].getBytes(StandardCharsets.UTF_8).length;
                bytes += utf8Bytes[i];
                tokens += ascendant.countTokens(texts[i]);
            }
            System.out.printf(
                    "%ncorpus %s: %d texts, %d UTF-8 bytes, %d tokens (%.2f bytes/token)%n",
                    corpus, texts.length, bytes, tokens, (double) bytes / tokens);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            huggingFace.close();
            Files.deleteIfExists(dir.resolve("tokenizer.json"));
            Files.deleteIfExists(dir);
        }
    }

    /** Per-thread position in the corpus plus the counters JMH reports as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long tokens;
        public long bytes;
        int next;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
            bytes = 0;
        }

        int nextIndex(int size) {
            int i = next;
            next = i + 1 == size ? 0 : i + 1;
            return i;
        }
    }

    @Benchmark
    public int ascendantEncode(Shared s, Counters c) {
        int i = c.nextIndex(s.texts.length);
        int n = s.ascendant.encode(s.texts[i]).length;
        c.tokens += n;
        c.bytes += s.utf8Bytes[i];
        return n;
    }

    @Benchmark
    public int ascendantCountTokens(Shared s, Counters c) {
        int i = c.nextIndex(s.texts.length);
        int n = s.ascendant.countTokens(s.texts[i]);
        c.tokens += n;
        c.bytes += s.utf8Bytes[i];
        return n;
    }

    @Benchmark
    public int huggingFaceEncode(Shared s, Counters c) {
        int i = c.nextIndex(s.texts.length);
        int n = s.huggingFace.encode(s.texts[i], false, false).getIds().length;
        c.tokens += n;
        c.bytes += s.utf8Bytes[i];
        return n;
    }
}
