package io.ascendant.engine.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its name, stored dtype, shape and byte range inside the file's data section.
 *
 * @param name the official name (a leading {@code model.} is stripped when reading)
 * @param file the file holding it
 * @param dtype stored dtype
 * @param shape stored shape (packed FP4: the byte shape {@code [out, in/2]})
 * @param begin offset of the first byte, relative to the data section
 * @param end offset after the last byte, relative to the data section
 */
public record TensorInfo(String name, Path file, DType dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of stored elements (product of the shape; 1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Stored bytes. */
    public long byteSize() {
        return end - begin;
    }

    /** The shape as {@code [a, b]} for messages. */
    public String shapeString() {
        return Arrays.toString(shape);
    }
}
