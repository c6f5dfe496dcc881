package io.ascendant.engine.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.engine.numerics.Bf16;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors checkpoints: one {@code model.safetensors}, or shards {@code model-0000i-of-0000N.safetensors}
 * plus {@code model.safetensors.index.json} ({@code {"metadata": {"total_size": …}, "weight_map": {name: file}}}).
 * Tensors are written in the order they were added, the header padded with spaces to a multiple of 8 bytes as the
 * reference library does. Used by the demo checkpoint generator and by tests; holds the added tensors on the heap.
 */
public final class SafetensorsWriter {
    private record Entry(String name, DType dtype, long[] shape, byte[] data) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a {@code __metadata__} string entry. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a tensor with its raw little-endian bytes.
     *
     * @throws IllegalArgumentException if the byte count does not match the shape and dtype
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, byte[] data) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n * dtype.byteSize() != data.length) {
            throw new IllegalArgumentException(name + ": " + dtype + " shape " + java.util.Arrays.toString(shape)
                    + " needs " + n * dtype.byteSize() + " bytes, got " + data.length);
        }
        entries.add(new Entry(name, dtype, shape.clone(), data));
        return this;
    }

    /** Adds floats stored as F32, or as BF16 (rounded to nearest even). */
    public SafetensorsWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
        ByteBuffer bb;
        if (dtype == DType.F32) {
            bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                bb.putFloat(v);
            }
        } else if (dtype == DType.BF16) {
            bb = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                bb.putShort(Bf16.toBits(v));
            }
        } else {
            throw new IllegalArgumentException(name + ": floats can be written as F32 or BF16, not " + dtype);
        }
        return add(name, dtype, shape, bb.array());
    }

    /** Adds integers stored as I64 or I32. */
    public SafetensorsWriter addInts(String name, DType dtype, long[] shape, int[] values) {
        ByteBuffer bb;
        if (dtype == DType.I64) {
            bb = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                bb.putLong(v);
            }
        } else if (dtype == DType.I32) {
            bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                bb.putInt(v);
            }
        } else {
            throw new IllegalArgumentException(name + ": ints can be written as I64 or I32, not " + dtype);
        }
        return add(name, dtype, shape, bb.array());
    }

    /** Total bytes of tensor data added so far. */
    public long dataBytes() {
        long n = 0;
        for (Entry e : entries) {
            n += e.data.length;
        }
        return n;
    }

    /** Writes all tensors into one file. */
    public void write(Path file) throws IOException {
        writeFile(file, entries);
    }

    /**
     * Writes {@code dir/model.safetensors} when everything fits in {@code maxShardBytes} and {@code forceIndex} is
     * false; otherwise shards of at most {@code maxShardBytes} (a larger tensor gets a shard of its own) and the index.
     *
     * @return the files written
     */
    public List<Path> writeSharded(Path dir, long maxShardBytes, boolean forceIndex) throws IOException {
        Files.createDirectories(dir);
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long size = 0;
        for (Entry e : entries) {
            if (!current.isEmpty() && size + e.data.length > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(e);
            size += e.data.length;
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        List<Path> written = new ArrayList<>();
        if (shards.size() <= 1 && !forceIndex) {
            Path p = dir.resolve("model.safetensors");
            writeFile(p, entries);
            written.add(p);
            return written;
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode index = om.createObjectNode();
        index.putObject("metadata").put("total_size", dataBytes());
        ObjectNode weightMap = index.putObject("weight_map");
        int n = shards.size();
        for (int i = 0; i < n; i++) {
            String fname = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
            Path p = dir.resolve(fname);
            writeFile(p, shards.get(i));
            written.add(p);
            for (Entry e : shards.get(i)) {
                weightMap.put(e.name, fname);
            }
        }
        Path idx = dir.resolve(Checkpoint.INDEX);
        Files.writeString(idx, om.writerWithDefaultPrettyPrinter().writeValueAsString(index));
        written.add(idx);
        return written;
    }

    private void writeFile(Path file, List<Entry> list) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode header = om.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode md = header.putObject("__metadata__");
            metadata.forEach(md::put);
        }
        long offset = 0;
        for (Entry e : list) {
            ObjectNode t = header.putObject(e.name);
            t.put("dtype", e.dtype.name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape) {
                shape.add(d);
            }
            ArrayNode off = t.putArray("data_offsets");
            off.add(offset);
            off.add(offset + e.data.length);
            offset += e.data.length;
        }
        byte[] json = om.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        for (int i = 8 + json.length; i < head.length; i++) {
            head[i] = ' ';
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(head);
            for (Entry e : list) {
                out.write(e.data);
            }
        }
    }
}
