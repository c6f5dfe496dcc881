package io.ascendant.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.GZIPInputStream;

/**
 * Reads a Hugging Face {@code tokenizer.json} (optionally gzip-compressed) into a {@link Tokenizer}.
 *
 * <p>Supported: model {@code BPE} (no dropout, no byte fallback, no subword prefix/suffix, {@code ignore_merges} either
 * way); normalizer absent or {@code Sequence} of {@code NFC}/{@code NFD}/{@code NFKC}/{@code NFKD}/{@code Lowercase}/
 * {@code Replace}/{@code Prepend}; pre-tokenizer {@code ByteLevel} or a {@code Sequence} of {@code Split} steps ending in
 * {@code ByteLevel}; decoder {@code ByteLevel}; any post-processor (ignored: {@link Tokenizer#encode} never adds special
 * tokens). Anything else fails with a {@link TokenizerLoadException} naming the file and the field.
 */
final class TokenizerJsonLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;

    private TokenizerJsonLoader(String source) {
        this.source = source;
    }

    static Tokenizer load(InputStream in, String source) {
        TokenizerJsonLoader loader = new TokenizerJsonLoader(source);
        JsonNode root;
        try {
            BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            InputStream body = (b0 == 0x1F && b1 == 0x8B) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw loader.fail("not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new TokenizerLoadException(source + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw loader.fail("the top level is not a JSON object");
        }
        return loader.build(root);
    }

    private TokenizerLoadException fail(String what) {
        return new TokenizerLoadException(source + ": " + what);
    }

    private Tokenizer build(JsonNode root) {
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw fail("\"model\" is missing");
        }
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            throw fail("model.type is \"" + type + "\"; only \"BPE\" is supported");
        }
        if (!model.path("dropout").isNull()
                && !model.path("dropout").isMissingNode()
                && model.path("dropout").asDouble() != 0.0) {
            throw fail("model.dropout is set; BPE dropout is not supported");
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw fail("model.byte_fallback is true; only byte-level BPE without byte fallback is supported");
        }
        for (String field : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            JsonNode v = model.path(field);
            if (!v.isMissingNode() && !v.isNull() && !v.asText().isEmpty()) {
                throw fail("model." + field + " is set; it is not supported");
            }
        }
        boolean ignoreMerges = model.path("ignore_merges").asBoolean(false);

        JsonNode vocabNode = model.path("vocab");
        if (!vocabNode.isObject() || vocabNode.isEmpty()) {
            throw fail("model.vocab is missing or empty");
        }
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        int maxId = -1;
        for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw fail("model.vocab[\"" + e.getKey() + "\"] is not a non-negative integer id");
            }
            int id = e.getValue().asInt();
            vocab.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }

        JsonNode mergesNode = model.path("merges");
        if (!mergesNode.isArray()) {
            throw fail("model.merges is missing or not an array");
        }
        int mergeCount = mergesNode.size();
        int[] left = new int[mergeCount];
        int[] right = new int[mergeCount];
        int[] result = new int[mergeCount];
        for (int r = 0; r < mergeCount; r++) {
            JsonNode m = mergesNode.get(r);
            String a;
            String b;
            if (m.isTextual()) {
                String s = m.asText();
                int sp = s.indexOf(' ');
                if (sp <= 0 || sp == s.length() - 1 || s.indexOf(' ', sp + 1) >= 0) {
                    throw fail("model.merges[" + r + "] \"" + s + "\" is not two symbols separated by one space");
                }
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            } else if (m.isArray()
                    && m.size() == 2
                    && m.get(0).isTextual()
                    && m.get(1).isTextual()) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                throw fail("model.merges[" + r + "] is neither \"a b\" nor [\"a\", \"b\"]");
            }
            Integer ia = vocab.get(a);
            Integer ib = vocab.get(b);
            Integer ir = vocab.get(a + b);
            if (ia == null || ib == null || ir == null) {
                String missing = ia == null ? a : ib == null ? b : a + b;
                throw fail("model.merges[" + r + "] (\"" + a + "\", \"" + b + "\") uses \"" + missing
                        + "\", which is not in model.vocab");
            }
            left[r] = ia;
            right[r] = ib;
            result[r] = ir;
        }

        int[] byteToId = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.toChar(b)));
            byteToId[b] = id == null ? -1 : id;
        }

        List<AddedVocabulary.Entry> added = new ArrayList<>();
        JsonNode addedNode = root.path("added_tokens");
        if (!addedNode.isMissingNode() && !addedNode.isNull()) {
            if (!addedNode.isArray()) {
                throw fail("added_tokens is not an array");
            }
            for (int k = 0; k < addedNode.size(); k++) {
                JsonNode t = addedNode.get(k);
                if (!t.path("id").canConvertToInt()
                        || t.path("id").asInt() < 0
                        || !t.path("content").isTextual()) {
                    throw fail("added_tokens[" + k + "] needs a non-negative \"id\" and a string \"content\"");
                }
                AddedVocabulary.Entry e = new AddedVocabulary.Entry(
                        t.get("id").asInt(),
                        t.get("content").asText(),
                        t.path("special").asBoolean(false),
                        t.path("normalized").asBoolean(!t.path("special").asBoolean(false)),
                        t.path("lstrip").asBoolean(false),
                        t.path("rstrip").asBoolean(false),
                        t.path("single_word").asBoolean(false));
                added.add(e);
                maxId = Math.max(maxId, e.id());
            }
        }

        Normalizer normalizer = normalizer(root.path("normalizer"), "normalizer");
        PreTokenizer preTokenizer = preTokenizer(root.path("pre_tokenizer"));
        JsonNode decoder = root.path("decoder");
        if (!decoder.isMissingNode()
                && !decoder.isNull()
                && !"ByteLevel".equals(decoder.path("type").asText())) {
            throw fail("decoder.type is \"" + decoder.path("type").asText() + "\"; only \"ByteLevel\" is supported");
        }

        byte[][] idToBytes = new byte[maxId + 1][];
        String[] idToContent = new String[maxId + 1];
        boolean[] special = new boolean[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            byte[] bytes = ByteLevel.toBytes(e.getKey());
            // Like the reference ByteLevel decoder: a token with a char outside the byte alphabet decodes to its UTF-8.
            idToBytes[e.getValue()] = bytes != null ? bytes : e.getKey().getBytes(StandardCharsets.UTF_8);
            idToContent[e.getValue()] = e.getKey();
        }
        for (AddedVocabulary.Entry e : added) {
            idToBytes[e.id()] = e.content().getBytes(StandardCharsets.UTF_8);
            idToContent[e.id()] = e.content();
            special[e.id()] = e.special();
        }
        BpeModel bpe = new BpeModel(byteToId, left, right, result, ignoreMerges ? vocab : null);
        return new Tokenizer(
                source, normalizer, new AddedVocabulary(added), preTokenizer, bpe, idToBytes, idToContent, special);
    }

    private Normalizer normalizer(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String type = node.path("type").asText();
        switch (type) {
            case "Sequence" -> {
                List<Normalizer> steps = new ArrayList<>();
                JsonNode list = node.path("normalizers");
                for (int k = 0; k < list.size(); k++) {
                    Normalizer n = normalizer(list.get(k), path + ".normalizers[" + k + "]");
                    if (n != null) {
                        steps.add(n);
                    }
                }
                return steps.isEmpty() ? null : steps.size() == 1 ? steps.getFirst() : Normalizer.sequence(steps);
            }
            case "NFC" -> {
                return Normalizer.unicode(java.text.Normalizer.Form.NFC);
            }
            case "NFD" -> {
                return Normalizer.unicode(java.text.Normalizer.Form.NFD);
            }
            case "NFKC" -> {
                return Normalizer.unicode(java.text.Normalizer.Form.NFKC);
            }
            case "NFKD" -> {
                return Normalizer.unicode(java.text.Normalizer.Form.NFKD);
            }
            case "Lowercase" -> {
                return Normalizer.lowercase();
            }
            case "Prepend" -> {
                return Normalizer.prepend(node.path("prepend").asText());
            }
            case "Replace" -> {
                return Normalizer.replace(
                        pattern(node.path("pattern"), path),
                        node.path("content").asText());
            }
            default ->
                throw fail(path + ".type is \"" + type + "\"; supported: Sequence, NFC, NFD, NFKC, NFKD, "
                        + "Lowercase, Prepend, Replace");
        }
    }

    private Pattern pattern(JsonNode pattern, String path) {
        try {
            if (pattern.has("String")) {
                return Pattern.compile(Pattern.quote(pattern.get("String").asText()));
            }
            if (pattern.has("Regex")) {
                return RegexPreTokenizer.compile(pattern.get("Regex").asText());
            }
        } catch (PatternSyntaxException e) {
            throw fail(path + ".pattern is not a valid regex: " + e.getDescription());
        }
        throw fail(path + ".pattern needs \"String\" or \"Regex\"");
    }

    private PreTokenizer preTokenizer(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            throw fail("pre_tokenizer is missing; a byte-level BPE needs a ByteLevel pre-tokenizer");
        }
        List<JsonNode> steps = new ArrayList<>();
        if ("Sequence".equals(node.path("type").asText())) {
            node.path("pretokenizers").forEach(steps::add);
        } else {
            steps.add(node);
        }
        if (steps.isEmpty() || !"ByteLevel".equals(steps.getLast().path("type").asText())) {
            throw fail("pre_tokenizer must end with a ByteLevel step (byte-level BPE)");
        }
        JsonNode byteLevel = steps.getLast();
        boolean addPrefixSpace = byteLevel.path("add_prefix_space").asBoolean(false);
        boolean useRegex = byteLevel.path("use_regex").asBoolean(true);
        if (addPrefixSpace && steps.size() > 1) {
            throw fail("pre_tokenizer: ByteLevel.add_prefix_space after Split steps is not supported");
        }
        List<String> patterns = new ArrayList<>();
        List<RegexPreTokenizer.Step> compiled = new ArrayList<>();
        boolean allIsolated = true;
        for (int k = 0; k < steps.size() - 1; k++) {
            JsonNode s = steps.get(k);
            String path = "pre_tokenizer.pretokenizers[" + k + "]";
            if (!"Split".equals(s.path("type").asText())) {
                throw fail(path + ".type is \"" + s.path("type").asText() + "\"; supported before ByteLevel: Split");
            }
            RegexPreTokenizer.Behavior behavior = switch (s.path("behavior").asText()) {
                case "Removed" -> RegexPreTokenizer.Behavior.REMOVED;
                case "Isolated" -> RegexPreTokenizer.Behavior.ISOLATED;
                case "MergedWithPrevious" -> RegexPreTokenizer.Behavior.MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> RegexPreTokenizer.Behavior.MERGED_WITH_NEXT;
                case "Contiguous" -> RegexPreTokenizer.Behavior.CONTIGUOUS;
                default -> throw fail(path + ".behavior \"" + s.path("behavior").asText() + "\" is unknown");
            };
            boolean invert = s.path("invert").asBoolean(false);
            allIsolated &= behavior == RegexPreTokenizer.Behavior.ISOLATED && !invert;
            patterns.add(s.path("pattern").path("Regex").asText(null));
            compiled.add(new RegexPreTokenizer.Step(pattern(s.path("pattern"), path), behavior, invert));
        }
        if (useRegex) {
            compiled.add(new RegexPreTokenizer.Step(
                    RegexPreTokenizer.compile(RegexPreTokenizer.GPT2_PATTERN),
                    RegexPreTokenizer.Behavior.ISOLATED,
                    false));
        }
        if (!useRegex && !addPrefixSpace && allIsolated && patterns.equals(DEEPSEEK_PATTERNS)) {
            return new DeepSeekPreTokenizer();
        }
        return new RegexPreTokenizer(compiled, addPrefixSpace);
    }

    private static final List<String> DEEPSEEK_PATTERNS =
            List.of(DeepSeekPreTokenizer.DIGITS, DeepSeekPreTokenizer.CJK, DeepSeekPreTokenizer.MAIN);
}
