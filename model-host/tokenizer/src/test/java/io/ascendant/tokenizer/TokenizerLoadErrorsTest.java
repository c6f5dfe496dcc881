package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerLoadErrorsTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    private static final String BYTE_LEVEL = "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
            + "\"use_regex\":true},\"decoder\":{\"type\":\"ByteLevel\"}";

    @Test
    void rejectsMissingFileNamingIt() {
        Path missing = dir.resolve("nope.json");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> Tokenizer.load(missing));
        assertThat(e.getMessage()).contains(missing.toString()).contains("no such file");
    }

    @Test
    void rejectsInvalidJsonWithPosition() throws IOException {
        Path file = write("{\"model\": {\"type\": \"BPE\",,}");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> Tokenizer.load(file));
        assertThat(e.getMessage())
                .startsWith(file.toString())
                .contains("not valid JSON")
                .contains("line 1");
    }

    @Test
    void rejectsOtherModelTypes() throws IOException {
        Path file = write("{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}}," + BYTE_LEVEL + "}");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> Tokenizer.load(file));
        assertThat(e.getMessage()).isEqualTo(file + ": model.type is \"WordPiece\"; only \"BPE\" is supported");
    }

    @Test
    void rejectsMergeOfUnknownSymbol() throws IOException {
        Path file = write(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"a b\"]}," + BYTE_LEVEL + "}");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> Tokenizer.load(file));
        assertThat(e.getMessage())
                .contains("model.merges[0]")
                .contains("\"ab\"")
                .contains("not in model.vocab");
    }

    @Test
    void rejectsUnsupportedPreTokenizer() throws IOException {
        Path file = write("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[]},"
                + "\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Whitespace\"},"
                + "{\"type\":\"ByteLevel\"}]}}");
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> Tokenizer.load(file));
        assertThat(e.getMessage()).contains("pre_tokenizer.pretokenizers[0].type is \"Whitespace\"");
    }

    @Test
    void loadsASmallByteLevelFileAndGzipTransparently() throws IOException {
        Path file = write("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2,\"Ġ\":3},"
                + "\"merges\":[[\"a\",\"b\"]]},\"added_tokens\":[{\"id\":4,\"content\":\"<x>\",\"special\":true}],"
                + BYTE_LEVEL + "}");
        Tokenizer t = Tokenizer.load(file);
        assertThat(t.encode("ab<x> ab")).containsExactly(2, 4, 3, 2);
        assertThat(t.decode(new int[] {2, 4, 3, 2})).isEqualTo("ab<x> ab");
        assertThat(t.decode(new int[] {2, 4, 3, 2}, true)).isEqualTo("ab ab");

        Path gz = dir.resolve("tokenizer.json.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(file));
        }
        assertThat(Tokenizer.load(gz).encode("ab<x> ab")).containsExactly(2, 4, 3, 2);
    }
}
