package io.ascendant.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.kernels.Fp4Matrix;
import io.ascendant.engine.kernels.Fp8Matrix;
import io.ascendant.engine.kernels.WeightMatrix;
import io.ascendant.engine.numerics.E8m0;
import io.ascendant.engine.numerics.Fp8E4m3;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static SafetensorsWriter sample() {
        SafetensorsWriter w = new SafetensorsWriter();
        byte[] codes = new byte[256 * 128];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = Fp8E4m3.encode((i % 7) - 3);
        }
        w.add("layers.0.attn.wq_a.weight", DType.F8_E4M3, new long[] {256, 128}, codes);
        w.add("layers.0.attn.wq_a.scale", DType.F8_E8M0, new long[] {2, 1}, new byte[] {
            E8m0.ofExponent(0), E8m0.ofExponent(1)
        });
        byte[] packed = new byte[4 * 32];
        java.util.Arrays.fill(packed, (byte) 0x21); // low 1 -> 0.5, high 2 -> 1.0
        w.add("layers.0.ffn.experts.0.w1.weight", DType.I8, new long[] {4, 32}, packed);
        byte[] fp4Scales = new byte[4 * 2];
        java.util.Arrays.fill(fp4Scales, E8m0.ofExponent(2));
        w.add("layers.0.ffn.experts.0.w1.scale", DType.F8_E8M0, new long[] {4, 2}, fp4Scales);
        w.addFloats("norm.weight", DType.BF16, new long[] {4}, new float[] {1f, 0.5f, -2f, 3f});
        w.addFloats("hc_head_base", DType.F32, new long[] {4}, new float[] {0.1f, 0.2f, 0.3f, 0.4f});
        w.addFloats("embed.weight", DType.BF16, new long[] {3, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        w.addInts("layers.0.ffn.gate.tid2eid", DType.I64, new long[] {2, 2}, new int[] {0, 3, 2, 1});
        return w;
    }

    private void assertReadsSample(Checkpoint ck) {
        assertThat(ck.names()).hasSize(8);
        assertThat(ck.dtype("layers.0.attn.wq_a.weight")).isEqualTo(DType.F8_E4M3);
        assertThat(ck.shape("layers.0.ffn.experts.0.w1.weight")).containsExactly(4, 32);
        WeightMatrix fp8 = ck.matrix("layers.0.attn.wq_a.weight");
        assertThat(fp8).isInstanceOf(Fp8Matrix.class);
        assertThat(fp8.rows()).isEqualTo(256);
        assertThat(fp8.cols()).isEqualTo(128);
        float[] x = new float[128];
        x[5] = 1f;
        float[] out = new float[256];
        fp8.matvec(x, 0, out, 0);
        assertThat(out[0]).isEqualTo(Fp8E4m3.decode(Fp8E4m3.encode((5 % 7) - 3)));
        assertThat(out[200]).isEqualTo(2f * Fp8E4m3.decode(Fp8E4m3.encode(((200 * 128 + 5) % 7) - 3)));
        WeightMatrix fp4 = ck.matrix("layers.0.ffn.experts.0.w1.weight");
        assertThat(fp4).isInstanceOf(Fp4Matrix.class);
        assertThat(fp4.cols()).isEqualTo(64);
        float[] ones = new float[64];
        java.util.Arrays.fill(ones, 1f);
        float[] y = new float[4];
        fp4.matvec(ones, 0, y, 0);
        assertThat(y).containsOnly(64 * 0.75f * 4f);
        assertThat(ck.floats("norm.weight")).containsExactly(1f, 0.5f, -2f, 3f);
        assertThat(ck.floats("hc_head_base")).containsExactly(0.1f, 0.2f, 0.3f, 0.4f);
        assertThat(ck.ints("layers.0.ffn.gate.tid2eid")).containsExactly(0, 3, 2, 1);
        float[] row = new float[6];
        ck.row("embed.weight", 2, row, 1);
        assertThat(row).containsExactly(0f, 9f, 10f, 11f, 12f, 0f);
    }

    @Test
    void readsASingleFile() throws IOException {
        sample().writeSharded(dir, Long.MAX_VALUE, false);
        assertThat(dir.resolve("model.safetensors")).exists();
        try (Checkpoint ck = Checkpoint.open(dir, EngineThreads.create(1))) {
            assertReadsSample(ck);
        }
    }

    @Test
    void readsShardsThroughTheIndex() throws IOException {
        var files = sample().writeSharded(dir, 100, true);
        assertThat(files).hasSizeGreaterThan(3);
        assertThat(dir.resolve(Checkpoint.INDEX)).exists();
        try (Checkpoint ck = Checkpoint.open(dir, EngineThreads.create(2))) {
            assertReadsSample(ck);
            assertThat(ck.files()).hasSize(files.size() - 1);
        }
    }

    @Test
    void stripsTheModelPrefix() throws IOException {
        new SafetensorsWriter()
                .addFloats("model.norm.weight", DType.F32, new long[] {2}, new float[] {1, 2})
                .write(dir.resolve("model.safetensors"));
        try (Checkpoint ck = Checkpoint.open(dir)) {
            assertThat(ck.has("norm.weight")).isTrue();
        }
    }

    @Test
    void truncatedFileNamesTheFileAndTheTensor() throws IOException {
        Path f = dir.resolve("model.safetensors");
        sample().write(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10);
        }
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("'layers.0.ffn.gate.tid2eid'")
                .hasMessageContaining("truncated");
    }

    @Test
    void missingShardIsNamed() throws IOException {
        var files = sample().writeSharded(dir, 100, true);
        Files.delete(files.get(1));
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(files.get(1).toString())
                .hasMessageContaining("missing");
    }

    @Test
    void missingTensorAndScaleAreNamed() throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("a.weight", DType.F8_E4M3, new long[] {128, 128}, new byte[128 * 128]);
        w.write(dir.resolve("model.safetensors"));
        try (Checkpoint ck = Checkpoint.open(dir)) {
            assertThatThrownBy(() -> ck.matrix("a.weight"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model.safetensors")
                    .hasMessageContaining("'a.scale'");
            assertThatThrownBy(() -> ck.floats("b.weight"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'b.weight' is missing");
        }
    }

    @Test
    void wrongScaleShapeIsNamed() throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("a.weight", DType.F8_E4M3, new long[] {256, 128}, new byte[256 * 128]);
        w.add("a.scale", DType.F8_E8M0, new long[] {1, 1}, new byte[1]);
        w.write(dir.resolve("model.safetensors"));
        try (Checkpoint ck = Checkpoint.open(dir)) {
            assertThatThrownBy(() -> ck.matrix("a.weight"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'a.scale' has shape [1, 1], expected [2, 1]");
        }
    }

    @Test
    void headerByteCountMustMatchTheShape() throws IOException {
        // A header that claims [4] F32 over 12 bytes.
        String json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}";
        byte[] h = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer bb =
                java.nio.ByteBuffer.allocate(8 + h.length + 12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.putLong(h.length).put(h);
        Files.write(dir.resolve("model.safetensors"), bb.array());
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor 't'")
                .hasMessageContaining("needs 16 bytes");
    }
}
