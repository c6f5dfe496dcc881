package io.ascendant.bench.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.tokenizer.TextCorpus;
import io.ascendant.tokenizer.Tokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the benchmark's two corpora (one JSON string per line) and the V4 tokenizer.json into a directory, so that
 * {@code hf_rust_baseline.py} can time Hugging Face tokenizers' Python binding on exactly the same input.
 */
public final class ExportBenchmarkInputs {
    private ExportBenchmarkInputs() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/results/tokenizer");
        Files.createDirectories(dir);
        Tokenizer.writeDeepSeekV4Json(dir.resolve("tokenizer.json"));
        ObjectMapper json = new ObjectMapper();
        write(dir.resolve("corpus-mixed.jsonl"), TextCorpus.realistic(42L, 4000), json);
        write(dir.resolve("corpus-unseen.jsonl"), TextCorpus.unseenWords(42L, 4000), json);
        System.out.println("wrote tokenizer.json, corpus-mixed.jsonl and corpus-unseen.jsonl to " + dir);
    }

    private static void write(Path file, java.util.List<String> texts, ObjectMapper json) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String text : texts) {
                w.write(json.writeValueAsString(text));
                w.newLine();
            }
        }
    }
}
