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
 * Writes the benchmark's corpus (one JSON string per line) and the V4 tokenizer.json into a directory, so that
 * {@code hf_rust_baseline.py} can time Hugging Face tokenizers' Python binding on exactly the same input.
 */
public final class ExportBenchmarkInputs {
    private ExportBenchmarkInputs() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/results/tokenizer");
        Files.createDirectories(dir);
        Tokenizer.writeDeepSeekV4Json(dir.resolve("tokenizer.json"));
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
            for (String text : TextCorpus.realistic(42L, 4000)) {
                w.write(json.writeValueAsString(text));
                w.newLine();
            }
        }
        System.out.println("wrote " + dir.resolve("tokenizer.json") + " and " + dir.resolve("corpus.jsonl"));
    }
}
