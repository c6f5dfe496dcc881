package io.ascendant.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A byte-level BPE tokenizer loaded from a Hugging Face {@code tokenizer.json}, giving the same ids as Hugging Face's
 * {@code tokenizers} library with {@code add_special_tokens=False} (checked by a differential test against it).
 *
 * <p>Pipeline of {@link #encode}: added tokens are cut out first (literal, leftmost-longest; special or not, all of them
 * are matched in the input text), each remaining gap is normalized, split by the pre-tokenizer into pieces, and each
 * piece is BPE-encoded from its UTF-8 bytes. Nothing is added: no BOS, no EOS (the chat encoder adds BOS).
 *
 * <p>Threading: immutable and safe to share; every method may be called concurrently. {@link #deepSeekV4()} returns one
 * shared instance.
 *
 * <p>Lone surrogates in the input (not valid Unicode) are encoded as U+FFFD; every other string round-trips:
 * {@code decode(encode(t)).equals(t)}.
 */
public final class Tokenizer {
    private static final String V4_RESOURCE = "io/ascendant/tokenizer/deepseek-v4/tokenizer.json.gz";

    private final String source;
    private final Normalizer normalizer;
    private final AddedVocabulary added;
    private final PreTokenizer preTokenizer;
    private final BpeModel bpe;
    private final byte[][] idToBytes;
    private final String[] idToContent;
    private final boolean[] special;
    private final java.util.Map<String, Integer> contentToId;
    /** Whether {@link #isCountCut} may find cuts: no normalizer (it could rewrite text across a cut). */
    private final boolean cuts;

    Tokenizer(
            String source,
            Normalizer normalizer,
            AddedVocabulary added,
            PreTokenizer preTokenizer,
            BpeModel bpe,
            byte[][] idToBytes,
            String[] idToContent,
            boolean[] special) {
        this.source = source;
        this.normalizer = normalizer;
        this.added = added;
        this.preTokenizer = preTokenizer;
        this.bpe = bpe;
        this.idToBytes = idToBytes;
        this.idToContent = idToContent;
        this.special = special;
        java.util.Map<String, Integer> map = new java.util.HashMap<>(idToContent.length * 2);
        for (int id = 0; id < idToContent.length; id++) {
            if (idToContent[id] != null) {
                map.put(idToContent[id], id);
            }
        }
        this.contentToId = map;
        this.cuts = normalizer == null;
    }

    /**
     * Loads a {@code tokenizer.json} (plain or gzip-compressed, detected from its first bytes).
     *
     * @throws TokenizerLoadException if the file is missing, unreadable, not JSON, or uses a feature this tokenizer does
     *     not implement; the message names the file and the field
     */
    public static Tokenizer load(Path tokenizerJson) {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return TokenizerJsonLoader.load(in, tokenizerJson.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerLoadException(tokenizerJson + ": no such file", e);
        } catch (IOException e) {
            throw new TokenizerLoadException(tokenizerJson + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Loads a {@code tokenizer.json} from a stream; {@code sourceName} is used in error messages.
     *
     * @throws TokenizerLoadException as {@link #load(Path)}
     */
    public static Tokenizer load(InputStream tokenizerJson, String sourceName) {
        return TokenizerJsonLoader.load(tokenizerJson, sourceName);
    }

    /**
     * The DeepSeek V4 tokenizer (V4-Flash / V4-Pro; 129,280 ids, every id 0..129279 defined) shipped in this module as
     * the classpath resource {@code io/ascendant/tokenizer/deepseek-v4/tokenizer.json.gz}. Loaded once (about a second),
     * then shared.
     */
    public static Tokenizer deepSeekV4() {
        return V4Holder.INSTANCE;
    }

    /**
     * Writes the built-in DeepSeek V4 {@code tokenizer.json} (uncompressed, as Hugging Face tools expect it) to
     * {@code file}, for installs and model directories that ship the tokenizer next to the weights.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writeDeepSeekV4Json(Path file) throws IOException {
        try (InputStream in = Tokenizer.class.getClassLoader().getResourceAsStream(V4_RESOURCE)) {
            if (in == null) {
                throw new TokenizerLoadException("classpath:" + V4_RESOURCE + ": resource missing");
            }
            try (InputStream json = new java.util.zip.GZIPInputStream(in, 1 << 16)) {
                Files.copy(json, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static final class V4Holder {
        static final Tokenizer INSTANCE = loadResource();

        private static Tokenizer loadResource() {
            try (InputStream in = Tokenizer.class.getClassLoader().getResourceAsStream(V4_RESOURCE)) {
                if (in == null) {
                    throw new TokenizerLoadException("classpath:" + V4_RESOURCE + ": resource missing");
                }
                return TokenizerJsonLoader.load(in, "classpath:" + V4_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Token ids of {@code text}, without BOS/EOS. */
    public int[] encode(String text) {
        TokenSink sink = TokenSink.collecting(text.length() / 3 + 8);
        run(text, sink);
        return sink.toArray();
    }

    /** {@code encode(text).length}, without building the id array (no allocation per token). */
    public int countTokens(String text) {
        TokenSink sink = TokenSink.counting();
        run(text, sink);
        return sink.size();
    }

    /**
     * The last place after {@code from} where {@code text} can be cut for counting: the largest {@code k} with
     * {@code from < k < text.length()} such that every text {@code t} that starts with {@code text} (the text itself, or
     * the text with anything appended, as a stream's output grows) has
     * {@code countTokens(t) == countTokens(t[0, k)) + countTokens(t[k, t.length()))}; {@code from} when there is none.
     * A cut is decided by the two chars either side of it alone, so it holds as well in any part of {@code t} that holds
     * both (one that starts after an earlier cut, for instance), and this reads only {@code text[from, length)}, backwards
     * from its end.
     *
     * <p>The DeepSeek V4 tokenizer cuts after a newline that a char other than white space follows, after a letter or
     * mark that a char neither letter, mark nor surrogate follows, and where a run of CJK ideographs or kana begins or
     * ends (unless an added token holds the two chars side by side). A tokenizer.json with a normalizer, an added token
     * that strips white space or matches single words, or a pre-tokenizer other than DeepSeek's has no cuts.
     *
     * @throws IndexOutOfBoundsException if {@code from} is not in {@code [0, text.length()]}
     */
    public int lastCountCut(CharSequence text, int from) {
        Objects.checkIndex(from, text.length() + 1);
        if (!cuts) {
            return from;
        }
        for (int k = text.length() - 1; k > from; k--) {
            if (isCountCut(text, k)) {
                return k;
            }
        }
        return from;
    }

    /**
     * Whether {@code text} can be cut at {@code at} for counting ({@link #lastCountCut}). Why it is exact: added tokens
     * are matched first, and none crosses the cut ({@link AddedVocabulary#mayCross}); with no normalizer each gap between
     * them is pre-tokenized as it stands, and the pre-tokenizer ends a piece at the cut without looking across it
     * ({@link PreTokenizer#isCut}); BPE encodes each piece alone. So the tokens of the whole are those of the part before
     * the cut followed by those of the part after it.
     */
    boolean isCountCut(CharSequence text, int at) {
        return cuts && preTokenizer.isCut(text, at) && !added.mayCross(text.charAt(at - 1), text.charAt(at));
    }

    /**
     * Text of the ids: added tokens as their content, other tokens through the byte-level alphabet, then UTF-8 with
     * U+FFFD for byte sequences that are not valid UTF-8 (as the reference decoder's lossy conversion).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * As {@link #decode(int[])}; with {@code skipSpecialTokens} the added tokens marked {@code special} are left out.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        byte[] buf = new byte[Math.max(16, ids.length * 4)];
        int n = 0;
        for (int id : ids) {
            if (skipSpecialTokens && isSpecial(id)) {
                continue;
            }
            byte[] b = tokenBytes(id);
            if (n + b.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + b.length));
            }
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** A decoder for generated ids that only ever emits complete UTF-8 characters; one per sequence, not thread-safe. */
    public StreamingDecoder newStreamingDecoder() {
        return new StreamingDecoder(this);
    }

    /** Number of ids (highest defined id + 1). For DeepSeek V4: 129,280. */
    public int vocabularySize() {
        return idToBytes.length;
    }

    /** The id of a token given by its exact content (an added token such as {@code <think>} or a vocabulary symbol). */
    public OptionalInt tokenId(String content) {
        Integer id = contentToId.get(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The content of a token as written in tokenizer.json (byte-level symbols for BPE tokens, e.g. {@code "Ġthe"}).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String tokenContent(int id) {
        check(id);
        return idToContent[id];
    }

    /**
     * The bytes a token stands for (UTF-8 fragments for BPE tokens; may be an incomplete character).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public byte[] tokenBytes(int id) {
        check(id);
        return idToBytes[id];
    }

    /** Whether the id is an added token marked {@code special} in tokenizer.json. */
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    @Override
    public String toString() {
        return "Tokenizer[" + source + ", " + idToBytes.length + " ids]";
    }

    private void check(int id) {
        if (id < 0 || id >= idToBytes.length || idToBytes[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + source + " (0.."
                    + (idToBytes.length - 1) + ")");
        }
    }

    private void run(String text, TokenSink sink) {
        new Run(sink).start(text);
    }

    /** One encode call: receives added-token matches, gaps and pieces; owns the BPE scratch space. */
    private final class Run implements AddedVocabulary.MatchSink, PreTokenizer.PieceSink {
        private final TokenSink sink;
        private final BpeModel.Scratch scratch = new BpeModel.Scratch();
        private final AddedVocabulary.MatchSink normalizedPass = new AddedVocabulary.MatchSink() {
            @Override
            public void gap(String text, int start, int end) {
                preTokenizer.split(text, start, end, Run.this);
            }

            @Override
            public void token(int id) {
                sink.add(id);
            }
        };

        Run(TokenSink sink) {
            this.sink = sink;
        }

        void start(String text) {
            added.scanRaw(text, 0, text.length(), this);
        }

        @Override
        public void gap(String text, int start, int end) {
            if (normalizer == null) {
                added.scanNormalized(text, start, end, normalizedPass);
            } else {
                String normalized = normalizer.apply(text.substring(start, end));
                added.scanNormalized(normalized, 0, normalized.length(), normalizedPass);
            }
        }

        @Override
        public void token(int id) {
            sink.add(id);
        }

        @Override
        public void piece(String text, int start, int end) {
            bpe.encode(text, start, end, sink, scratch);
        }
    }
}
