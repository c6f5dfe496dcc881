package io.ascendant.engine.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a 2-D float32 array as a NumPy {@code .npy} file (format version 1.0, little-endian {@code <f4}, C order):
 * the magic, a header dict padded with spaces to a multiple of 64 bytes, then the raw values.
 */
final class NpyWriter {
    private NpyWriter() {}

    static void writeFloat32(Path file, float[][] rows, int cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1; // magic(6) + version(2) + len(2) + dict + '\n'
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            pre.put((byte) 0x93)
                    .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                    .put((byte) 1)
                    .put((byte) 0);
            pre.putShort((short) header.length());
            out.write(pre.array());
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer row = ByteBuffer.allocate(cols * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] r : rows) {
                if (r.length != cols) {
                    throw new IllegalArgumentException("row of " + r.length + " values, expected " + cols);
                }
                row.clear();
                row.asFloatBuffer().put(r);
                out.write(row.array());
            }
        }
    }
}
