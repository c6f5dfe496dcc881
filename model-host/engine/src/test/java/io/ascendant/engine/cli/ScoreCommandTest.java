package io.ascendant.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.engine.demo.DemoCheckpointGenerator;
import io.ascendant.engine.demo.DemoVariant;
import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        DemoCheckpointGenerator.generate(DemoVariant.TINY, dir.resolve("tiny"), DemoCheckpointGenerator.SEED, false);
    }

    /** Reads a 2-D little-endian float32 .npy file, checking its header. */
    static float[][] readNpy(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        assertThat(all[0]).isEqualTo((byte) 0x93);
        assertThat(new String(all, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = b.getShort(8) & 0xffff;
        assertThat((10 + headerLen) % 64).isZero();
        String header = new String(all, 10, headerLen, StandardCharsets.US_ASCII);
        assertThat(header).contains("'descr': '<f4'").contains("'fortran_order': False");
        String shape = header.substring(header.indexOf("'shape': (") + 10, header.indexOf(')'));
        String[] dims = shape.split(",");
        int rows = Integer.parseInt(dims[0].trim());
        int cols = Integer.parseInt(dims[1].trim());
        float[][] out = new float[rows][cols];
        b.position(10 + headerLen);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = b.getFloat();
            }
        }
        assertThat(b.remaining()).isZero();
        return out;
    }

    @Test
    void writesPrefillThenTeacherForcedRowsAsFloat32Npy() throws IOException {
        Path out = dir.resolve("scores.npy");
        ByteArrayOutputStream so = new ByteArrayOutputStream();
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = ScoreCommand.run(
                new String[] {
                    "--model",
                    dir.resolve("tiny").toString(),
                    "--prompt-ids",
                    "0,17,42,300",
                    "--forced-ids",
                    "5, 6,7",
                    "--out",
                    out.toString()
                },
                new PrintStream(so),
                new PrintStream(se));
        assertThat(rc).as(se.toString()).isZero();
        float[][] rows = readNpy(out);
        assertThat(rows.length).isEqualTo(4);
        try (V4Model model = V4Model.load(dir.resolve("tiny"))) {
            SequenceState s = model.newSequence();
            float[] first = model.prefill(s, new int[] {0, 17, 42, 300});
            // same computation, but the vector kernels' lane sums may reassociate once the JIT compiles them
            for (int v = 0; v < first.length; v++) {
                assertThat(Math.abs(rows[0][v] - first[v])).isLessThan(1e-3f);
            }
            assertThat(rows[0].length).isEqualTo(model.vocabSize());
            model.decode(s, 5);
            model.decode(s, 6);
            float[] last = model.decode(s, 7);
            for (int v = 0; v < last.length; v++) {
                assertThat(Math.abs(rows[3][v] - last[v])).isLessThan(1e-2f);
            }
        }
    }

    @Test
    void batchScoresEveryRequestIntoItsOwnFile() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        int rc = ScoreCommand.run(
                new String[] {
                    "--model",
                    dir.resolve("tiny").toString(),
                    "--batch",
                    "--prompt-ids",
                    "1,2,3",
                    "--forced-ids",
                    "4,5",
                    "--out",
                    a.toString(),
                    "--prompt-ids",
                    "9",
                    "--forced-ids",
                    "8,7,6",
                    "--out",
                    b.toString()
                },
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(rc).isZero();
        assertThat(readNpy(a).length).isEqualTo(3);
        assertThat(readNpy(b).length).isEqualTo(4);
    }

    @Test
    void badArgumentsExitWithTwoAndAMessage() {
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = ScoreCommand.run(
                new String[] {"--model", "x", "--prompt-ids", "1,a", "--out", "o.npy"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(se));
        assertThat(rc).isEqualTo(2);
        assertThat(se.toString()).contains("--prompt-ids must be comma-separated token ids");
        se.reset();
        rc = ScoreCommand.run(
                new String[] {"--prompt-ids", "1"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(se));
        assertThat(rc).isEqualTo(2);
        assertThat(se.toString()).contains("--model is required");
    }

    @Test
    void aMissingCheckpointIsOneLineAndExitOne() {
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = ScoreCommand.run(
                new String[] {
                    "--model",
                    dir.resolve("nope").toString(),
                    "--prompt-ids",
                    "1",
                    "--out",
                    dir.resolve("n.npy").toString()
                },
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(se));
        assertThat(rc).isEqualTo(1);
        assertThat(se.toString().strip().lines().count()).isEqualTo(1);
    }
}
