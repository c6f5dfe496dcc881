package io.ascendant.engine.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One memory-mapped safetensors file: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}), then the data section.
 *
 * <p>The whole file is mapped read-only with {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} into the
 * caller's arena; tensors are slices of that mapping, so nothing is copied and the OS pages in only what the model
 * touches. The header is validated when the file is opened: dtypes known, offsets inside the file (a truncated file
 * fails here), byte length equal to the element count times the element size. Every error names the file and the
 * tensor.
 */
public final class SafetensorsFile {
    private static final long MAX_HEADER = 256L * 1024 * 1024;

    private final Path path;
    private final MemorySegment mapping;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsFile(Path path, MemorySegment mapping, long dataStart, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.mapping = mapping;
        this.dataStart = dataStart;
        this.tensors = tensors;
    }

    /**
     * Maps and validates {@code file}; the mapping lives as long as {@code arena}.
     *
     * @throws CheckpointException if the file is missing, truncated or its header is malformed
     */
    public static SafetensorsFile open(Path file, Arena arena) {
        MemorySegment map;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file + ": truncated safetensors file (" + size + " bytes, no header)");
            }
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": safetensors file not found");
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot map safetensors file: " + e.getMessage(), e);
        }
        long headerLen = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > map.byteSize()) {
            throw new CheckpointException(file + ": truncated or corrupt safetensors header (header length " + headerLen
                    + ", file " + map.byteSize() + " bytes)");
        }
        byte[] headerBytes = map.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(headerBytes, StandardCharsets.UTF_8).trim());
        } catch (JsonProcessingException e) {
            throw new CheckpointException(
                    file + ": safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException(file + ": safetensors header is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataSize = map.byteSize() - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            TensorInfo info = parseEntry(file, e.getKey(), e.getValue(), dataSize);
            tensors.put(info.name(), info);
        }
        return new SafetensorsFile(file, map, dataStart, Collections.unmodifiableMap(tensors));
    }

    private static TensorInfo parseEntry(Path file, String rawName, JsonNode v, long dataSize) {
        String name = rawName.startsWith("model.") ? rawName.substring("model.".length()) : rawName;
        String where = file + ": tensor '" + rawName + "'";
        if (!v.isObject() || !v.hasNonNull("dtype") || !v.has("shape") || !v.has("data_offsets")) {
            throw new CheckpointException(where + ": header entry needs dtype, shape and data_offsets");
        }
        DType dtype = dtypeOf(v.get("dtype").asText(), where);
        JsonNode shapeNode = v.get("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new CheckpointException(where + ": invalid shape " + shapeNode);
            }
        }
        JsonNode off = v.get("data_offsets");
        if (!off.isArray() || off.size() != 2) {
            throw new CheckpointException(where + ": data_offsets must be [begin, end]");
        }
        long begin = off.get(0).asLong(-1);
        long end = off.get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + ": invalid data_offsets " + off);
        }
        if (end > dataSize) {
            throw new CheckpointException(where + ": file is truncated (tensor ends at data byte " + end
                    + " but the data section has " + dataSize + " bytes)");
        }
        TensorInfo info = new TensorInfo(name, file, dtype, shape, begin, end);
        long expected = info.numel() * dtype.byteSize();
        if (expected != end - begin) {
            throw new CheckpointException(where + ": " + dtype + " " + info.shapeString() + " needs " + expected
                    + " bytes but data_offsets span " + (end - begin));
        }
        return info;
    }

    private static DType dtypeOf(String s, String where) {
        return switch (s) {
            case "BF16" -> DType.BF16;
            case "F32" -> DType.F32;
            case "F8_E4M3" -> DType.F8_E4M3;
            case "F8_E8M0" -> DType.F8_E8M0;
            case "I8", "U8" -> DType.I8;
            case "I32" -> DType.I32;
            case "I64" -> DType.I64;
            default ->
                throw new CheckpointException(
                        where + ": unsupported dtype " + s + " (supported: BF16, F32, F8_E4M3, F8_E8M0, I8, I32, I64)");
        };
    }

    /** The file path. */
    public Path path() {
        return path;
    }

    /** Tensors by (normalised) name, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The mapped bytes of a tensor of this file (a slice; no copy). */
    public MemorySegment data(TensorInfo info) {
        return mapping.asSlice(dataStart + info.begin(), info.byteSize());
    }
}
