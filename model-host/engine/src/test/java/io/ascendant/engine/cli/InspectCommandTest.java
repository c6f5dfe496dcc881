package io.ascendant.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.engine.demo.DemoCheckpointGenerator;
import io.ascendant.engine.demo.DemoVariant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path tmp;

    @Test
    void printsConfigInventoryAndBytesPerToken() throws Exception {
        DemoCheckpointGenerator.generate(DemoVariant.TINY, tmp, DemoCheckpointGenerator.SEED, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = InspectCommand.run(
                new String[] {"--model", tmp.toString(), "--require-mtp"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(text).contains("valid");
        assertThat(text).contains("tensors: 427 in 1 file(s)");
        assertThat(text).contains("1 window-only, 2 CSA");
        assertThat(text).contains("1 HCA");
        // KV per token: 2 CSA layers x (2*256/4 + 2*128/4) + 1 HCA ratio 16 x 2*256/16 = 2*192 + 32 = 416
        assertThat(text).contains("KV cache per token: 416.0 bytes");
        assertThat(text).containsPattern("active weights per token: \\d+\\.\\d MB");
    }

    @Test
    void reportsAnInvalidCheckpointInOneLine() throws Exception {
        DemoCheckpointGenerator.generate(DemoVariant.TINY, tmp, DemoCheckpointGenerator.SEED, false);
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"n_routed_experts\" : 8", "\"n_routed_experts\" : 16"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = InspectCommand.run(
                new String[] {"--model", tmp.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(1);
        String msg = err.toString(StandardCharsets.UTF_8).trim();
        assertThat(msg).doesNotContain("\n");
        assertThat(msg).contains("model.safetensors").contains("'layers.0.ffn.gate.weight'");
    }

    @Test
    void rejectsAnUnknownOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = InspectCommand.run(
                new String[] {"--modle", "x"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown option --modle")
                .contains("usage");
    }

    @Test
    void saysWhenTheModelIsNotADirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        assertThat(inspectError(file))
                .isEqualTo("--model " + file + ": not a directory (a checkpoint is a directory"
                        + " holding config.json and its *.safetensors files)");
        Path missing = tmp.resolve("nonexistent");
        assertThat(inspectError(missing)).isEqualTo("--model " + missing + ": no such directory");
        // an empty directory: the one file the checkpoint lacks first, named once
        assertThat(inspectError(tmp)).isEqualTo("invalid checkpoint: no config.json in " + tmp);
    }

    /** The one error line of {@code inspect --model dir}, which must exit 1. */
    private static String inspectError(Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = InspectCommand.run(
                new String[] {"--model", dir.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(1);
        return err.toString(StandardCharsets.UTF_8).trim();
    }
}
