package io.ascendant.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.engine.demo.DemoCheckpointGenerator;
import io.ascendant.engine.demo.DemoVariant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine generate} end to end on the DEMO checkpoint (vocab 129280, so the real V4 tokenizer's ids fit). */
class GenerateCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        DemoCheckpointGenerator.generate(DemoVariant.DEMO, dir, DemoCheckpointGenerator.SEED, true);
    }

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = GenerateCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {
            String.valueOf(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void streamsAChatAnswerAndReportsSpeed() {
        String[] r = run("--model", dir.toString(), "--prompt", "What is 2+2?", "--chat", "--max-tokens", "4");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).isNotBlank();
        assertThat(r[2]).contains("prefill:").contains("tokens/s").contains("decode: 3 tokens");
    }

    @Test
    void greedyIsReproducibleAndSeededSamplingToo() {
        String[] a = run("--model", dir.toString(), "--prompt", "Hello", "--max-tokens", "5");
        String[] b = run("--model", dir.toString(), "--prompt", "Hello", "--max-tokens", "5");
        assertThat(a[1]).isEqualTo(b[1]);
        String[] c = run(
                "--model",
                dir.toString(),
                "--prompt",
                "Hello",
                "--max-tokens",
                "5",
                "--temperature",
                "0.8",
                "--seed",
                "7");
        String[] d = run(
                "--model",
                dir.toString(),
                "--prompt",
                "Hello",
                "--max-tokens",
                "5",
                "--temperature",
                "0.8",
                "--seed",
                "7");
        assertThat(c[0]).isEqualTo("0");
        assertThat(c[1]).isEqualTo(d[1]);
    }

    @Test
    void badOptionsExitWithTwo() {
        String[] r = run("--model", dir.toString(), "--prompt", "x", "--temperature", "hot");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--temperature must be a number");
    }
}
