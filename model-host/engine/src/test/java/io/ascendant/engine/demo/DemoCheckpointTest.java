package io.ascendant.engine.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ascendant.engine.checkpoint.CheckpointException;
import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.checkpoint.LoadedCheckpoint;
import io.ascendant.engine.checkpoint.SafetensorsWriter;
import io.ascendant.engine.kernels.EngineThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCheckpointTest {
    @TempDir
    Path tmp;

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void tinyIsTheBriefsConfigWith427ValidTensors() throws IOException {
        Path dir = tmp.resolve("tiny");
        DemoCheckpointGenerator.generate(DemoVariant.TINY, dir, DemoCheckpointGenerator.SEED, false);
        try (LoadedCheckpoint ck = LoadedCheckpoint.open(dir, EngineThreads.create(1), true)) {
            assertThat(ck.weights().names()).hasSize(427);
            assertThat(ck.inventory().expertDtype()).isEqualTo("fp4");
            assertThat(ck.config().compressRatios()).containsExactly(0, 4, 16, 4, 0);
            assertThat(ck.config().hiddenSize()).isEqualTo(256);
            assertThat(ck.config().slidingWindow()).isEqualTo(16);
            assertThat(ck.weights().dtype("layers.1.ffn.experts.3.w2.weight")).isEqualTo(DType.I8);
            assertThat(ck.weights().dtype("layers.1.attn.wq_b.weight")).isEqualTo(DType.F8_E4M3);
            assertThat(ck.weights().has("layers.0.ffn.gate.tid2eid")).isTrue();
            assertThat(ck.weights().has("layers.1.ffn.gate.bias")).isTrue();
            assertThat(ck.weights().has("mtp.0.e_proj.weight")).isTrue();
            int[] tid2eid = ck.weights().ints("layers.0.ffn.gate.tid2eid");
            for (int t = 0; t < 1024; t++) {
                assertThat(tid2eid[2 * t]).isNotEqualTo(tid2eid[2 * t + 1]).isBetween(0, 7);
            }
        }
        assertThat(Files.size(dir.resolve("model.safetensors"))).isBetween(8_900_000L, 9_100_000L);
    }

    /**
     * The tiny checkpoint's bytes are pinned: the model's golden logits are computed on it, so a generator change must
     * be deliberate (update this hash and regenerate the goldens together).
     */
    @Test
    void tinyCheckpointBytesArePinned() throws Exception {
        Path dir = tmp.resolve("pinned");
        DemoCheckpointGenerator.generate(DemoVariant.TINY, dir, DemoCheckpointGenerator.SEED, false);
        assertThat(sha256(dir.resolve("model.safetensors")))
                .isEqualTo("aadfb976aa91437c510c437e1581fe043a812dda455f8e0c9413743233b4723d");
    }

    @Test
    void generationIsDeterministic() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        DemoCheckpointGenerator.generate(DemoVariant.TINY, a, DemoCheckpointGenerator.SEED, false);
        DemoCheckpointGenerator.generate(DemoVariant.TINY, b, DemoCheckpointGenerator.SEED, false);
        assertThat(sha256(a.resolve("model.safetensors"))).isEqualTo(sha256(b.resolve("model.safetensors")));
        assertThat(Files.readString(a.resolve("config.json"))).isEqualTo(Files.readString(b.resolve("config.json")));
        Path c = tmp.resolve("c");
        DemoCheckpointGenerator.generate(DemoVariant.TINY, c, 1, false);
        assertThat(sha256(c.resolve("model.safetensors"))).isNotEqualTo(sha256(a.resolve("model.safetensors")));
    }

    @Test
    void tinyHca128IsShardedWithAnIndexAndALiteralRatio128() throws IOException {
        Path dir = tmp.resolve("hca");
        DemoCheckpointGenerator.generate(DemoVariant.TINY_HCA128, dir, DemoCheckpointGenerator.SEED, false);
        assertThat(dir.resolve("model.safetensors.index.json")).exists();
        try (LoadedCheckpoint ck = LoadedCheckpoint.open(dir)) {
            assertThat(ck.config().compressRatio(2)).isEqualTo(128);
            assertThat(ck.weights().files()).hasSizeGreaterThan(2);
            assertThat(ck.weights().shape("layers.2.attn.compressor.ape")).containsExactly(128, 256);
        }
    }

    @Test
    void copiesTheV4Tokenizer() throws IOException {
        Path t = tmp.resolve("tokenizer.json");
        DemoCheckpointGenerator.copyTokenizer(t);
        String head = Files.readString(t).substring(0, 200);
        assertThat(head).contains("\"version\"");
        assertThat(Files.size(t)).isGreaterThan(1_000_000L);
    }

    @Test
    void configContradictingTheWeightsNamesFileAndTensor() throws IOException {
        Path dir = tmp.resolve("bad");
        DemoCheckpointGenerator.generate(DemoVariant.TINY, dir, DemoCheckpointGenerator.SEED, false);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"q_lora_rank\" : 128", "\"q_lora_rank\" : 256"));
        assertThatThrownBy(() -> LoadedCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("model.safetensors").toString())
                .hasMessageContaining(
                        "tensor 'layers.0.attn.wq_a.weight' is F8_E4M3 [128, 256] but config.json implies F8_E4M3 [256, 256]");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path dir = tmp.resolve("missing");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), DemoVariant.TINY.configJson());
        new SafetensorsWriter()
                .addFloats("norm.weight", DType.BF16, new long[] {256}, new float[256])
                .write(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> LoadedCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(dir + ": tensor 'embed.weight' is missing")
                .hasMessageContaining("more problems");
    }
}
