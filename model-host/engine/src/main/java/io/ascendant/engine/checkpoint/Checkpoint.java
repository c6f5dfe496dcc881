package io.ascendant.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.engine.kernels.Bf16Matrix;
import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.kernels.F32Matrix;
import io.ascendant.engine.kernels.Fp4Matrix;
import io.ascendant.engine.kernels.Fp8Matrix;
import io.ascendant.engine.kernels.WeightMatrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A checkpoint directory of safetensors files, memory-mapped: {@code model.safetensors.index.json} with its shards,
 * or a single {@code model.safetensors}, or (without an index) every {@code *.safetensors} in the directory.
 *
 * <p>All files are mapped into one shared {@link Arena} that {@link #close()} releases; matrices and segments handed
 * out are views of those mappings and must not be used after {@code close()}. Lookups are thread-safe.
 *
 * <p>Errors are {@link CheckpointException}s whose one-line message names the file and the tensor: a shard the index
 * names but that is missing, a tensor the index places in a shard that does not hold it, a truncated file, a tensor
 * asked for that does not exist or has the wrong dtype or shape.
 */
public final class Checkpoint implements WeightSource {
    /** Index file of a sharded checkpoint. */
    public static final String INDEX = "model.safetensors.index.json";

    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path dir;
    private final Arena arena;
    private final EngineThreads threads;
    private final Map<String, TensorInfo> tensors;
    private final Map<Path, SafetensorsFile> files;

    private Checkpoint(
            Path dir,
            Arena arena,
            EngineThreads threads,
            Map<String, TensorInfo> tensors,
            Map<Path, SafetensorsFile> files) {
        this.dir = dir;
        this.arena = arena;
        this.threads = threads;
        this.tensors = tensors;
        this.files = files;
    }

    /** Opens {@code dir} with the shared engine thread pool. */
    public static Checkpoint open(Path dir) {
        return open(dir, EngineThreads.shared());
    }

    /**
     * Opens {@code dir}; the matrices it hands out split their rows over {@code threads}.
     *
     * @throws CheckpointException if the directory holds no safetensors, a shard is missing or truncated, or the
     *     index disagrees with the shards
     */
    public static Checkpoint open(Path dir, EngineThreads threads) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": checkpoint directory not found");
        }
        Arena arena = Arena.ofShared();
        try {
            Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = new TreeMap<>();
            Path index = dir.resolve(INDEX);
            if (Files.exists(index)) {
                Map<String, String> weightMap = readIndex(index);
                for (String shard : new java.util.LinkedHashSet<>(weightMap.values())) {
                    Path p = dir.resolve(shard);
                    if (!Files.exists(p)) {
                        String example = weightMap.entrySet().stream()
                                .filter(e -> e.getValue().equals(shard))
                                .map(Map.Entry::getKey)
                                .findFirst()
                                .orElse("?");
                        throw new CheckpointException(p + ": shard named by " + INDEX + " is missing (it holds '"
                                + example + "' among others)");
                    }
                    files.put(p, SafetensorsFile.open(p, arena));
                }
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    Path p = dir.resolve(e.getValue());
                    String name = normalise(e.getKey());
                    TensorInfo info = files.get(p).tensors().get(name);
                    if (info == null) {
                        throw new CheckpointException(
                                p + ": tensor '" + e.getKey() + "' listed in " + INDEX + " is not in this shard");
                    }
                }
            } else {
                List<Path> found = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors")) {
                    ds.forEach(found::add);
                } catch (IOException e) {
                    throw new CheckpointException(dir + ": cannot list safetensors files: " + e.getMessage(), e);
                }
                if (found.isEmpty()) {
                    throw new CheckpointException(dir + ": no model.safetensors, " + INDEX + " or *.safetensors");
                }
                Collections.sort(found);
                for (Path p : found) {
                    files.put(p, SafetensorsFile.open(p, arena));
                }
            }
            for (SafetensorsFile f : files.values()) {
                for (TensorInfo t : f.tensors().values()) {
                    TensorInfo prev = tensors.putIfAbsent(t.name(), t);
                    if (prev != null) {
                        throw new CheckpointException(t.file() + ": tensor '" + t.name() + "' is also in "
                                + prev.file().getFileName());
                    }
                }
            }
            return new Checkpoint(
                    dir, arena, threads, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(files));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, String> readIndex(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(index));
        } catch (IOException e) {
            throw new CheckpointException(index + ": cannot read the shard index: " + e.getMessage(), e);
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new CheckpointException(index + ": no \"weight_map\" object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    private static String normalise(String name) {
        return name.startsWith("model.") ? name.substring("model.".length()) : name;
    }

    /** The checkpoint directory. */
    public Path dir() {
        return dir;
    }

    /** Every tensor, by name (sorted). */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Names of all tensors. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The mapped files. */
    public java.util.Collection<SafetensorsFile> files() {
        return files.values();
    }

    /** Total bytes of tensor data in all files. */
    public long totalBytes() {
        long n = 0;
        for (TensorInfo t : tensors.values()) {
            n += t.byteSize();
        }
        return n;
    }

    /**
     * The description of tensor {@code name}.
     *
     * @throws CheckpointException naming the checkpoint directory if it does not exist
     */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(dir + ": tensor '" + name + "' is missing from the checkpoint");
        }
        return t;
    }

    /** The mapped bytes of tensor {@code name} (a view, valid until {@link #close()}). */
    public MemorySegment segment(String name) {
        TensorInfo t = info(name);
        return files.get(t.file()).data(t);
    }

    @Override
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public DType dtype(String name) {
        return info(name).dtype();
    }

    @Override
    public long[] shape(String name) {
        return info(name).shape();
    }

    /**
     * {@inheritDoc}
     *
     * <p>F8_E4M3 → {@link Fp8Matrix} (scale {@code <base>.scale}, F8_E8M0 {@code [⌈out/128⌉, ⌈in/128⌉]}); I8 →
     * {@link Fp4Matrix} (scale F8_E8M0 {@code [out, in/32]}, logical columns twice the stored bytes); BF16 →
     * {@link Bf16Matrix}; F32 → {@link F32Matrix}.
     */
    @Override
    public WeightMatrix matrix(String name) {
        TensorInfo t = info(name);
        long[] s = t.shape();
        if (s.length != 2) {
            throw fail(t, "is not a matrix: shape " + t.shapeString());
        }
        int rows = toInt(t, s[0]);
        int stored = toInt(t, s[1]);
        return switch (t.dtype()) {
            case F8_E4M3 -> {
                TensorInfo sc = scaleOf(t);
                long[] expect = {(rows + 127) / 128, (stored + 127) / 128};
                checkScale(t, sc, expect);
                yield new Fp8Matrix(name, rows, stored, segment(name), segment(sc.name()), threads);
            }
            case I8 -> {
                int cols = stored * 2;
                if (cols % 32 != 0) {
                    throw fail(t, "packed FP4 needs a multiple of 32 columns, has " + cols);
                }
                TensorInfo sc = scaleOf(t);
                checkScale(t, sc, new long[] {rows, cols / 32});
                yield new Fp4Matrix(name, rows, cols, segment(name), segment(sc.name()), threads);
            }
            case BF16 -> new Bf16Matrix(name, rows, stored, segment(name), threads);
            case F32 -> new F32Matrix(name, rows, stored, segment(name), threads);
            default -> throw fail(t, "has dtype " + t.dtype() + ", not a weight matrix (F8_E4M3, I8, BF16, F32)");
        };
    }

    private TensorInfo scaleOf(TensorInfo w) {
        if (!w.name().endsWith(".weight")) {
            throw fail(w, "is quantised but is not named '*.weight', so it has no '*.scale'");
        }
        String scaleName = w.name().substring(0, w.name().length() - ".weight".length()) + ".scale";
        TensorInfo sc = tensors.get(scaleName);
        if (sc == null) {
            throw new CheckpointException(
                    w.file() + ": tensor '" + scaleName + "' (the scales of '" + w.name() + "') is missing");
        }
        return sc;
    }

    private static void checkScale(TensorInfo w, TensorInfo sc, long[] expect) {
        if (sc.dtype() != DType.F8_E8M0) {
            throw fail(sc, "has dtype " + sc.dtype() + ", expected F8_E8M0 (scales of '" + w.name() + "')");
        }
        if (!Arrays.equals(sc.shape(), expect)) {
            throw fail(
                    sc,
                    "has shape " + sc.shapeString() + ", expected " + Arrays.toString(expect) + " for '" + w.name()
                            + "' " + w.shapeString());
        }
    }

    @Override
    public float[] floats(String name) {
        TensorInfo t = info(name);
        MemorySegment seg = segment(name);
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw fail(t, "is too large to copy (" + n + " elements)");
        }
        float[] out = new float[(int) n];
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(seg, FLOAT, 0, out, 0, out.length);
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((seg.get(SHORT, 2L * i) & 0xffff) << 16);
                }
            }
            default -> throw fail(t, "has dtype " + t.dtype() + ", expected BF16 or F32");
        }
        return out;
    }

    @Override
    public int[] ints(String name) {
        TensorInfo t = info(name);
        MemorySegment seg = segment(name);
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw fail(t, "is too large to copy (" + n + " elements)");
        }
        int[] out = new int[(int) n];
        switch (t.dtype()) {
            case I32 -> MemorySegment.copy(seg, INT, 0, out, 0, out.length);
            case I64 -> {
                for (int i = 0; i < out.length; i++) {
                    long v = seg.get(LONG, 8L * i);
                    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw fail(t, "element " + i + " = " + v + " does not fit in an int");
                    }
                    out[i] = (int) v;
                }
            }
            default -> throw fail(t, "has dtype " + t.dtype() + ", expected I32 or I64");
        }
        return out;
    }

    @Override
    public void row(String name, int row, float[] out, int outOff) {
        TensorInfo t = info(name);
        long[] s = t.shape();
        if (s.length != 2) {
            throw fail(t, "is not 2-D: shape " + t.shapeString());
        }
        if (row < 0 || row >= s[0]) {
            throw fail(t, "has no row " + row + " (shape " + t.shapeString() + ")");
        }
        int cols = toInt(t, s[1]);
        MemorySegment seg = segment(name);
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(seg, FLOAT, (long) row * cols * 4, out, outOff, cols);
            case BF16 -> {
                long base = (long) row * cols * 2;
                for (int c = 0; c < cols; c++) {
                    out[outOff + c] = Float.intBitsToFloat((seg.get(SHORT, base + 2L * c) & 0xffff) << 16);
                }
            }
            default -> throw fail(t, "has dtype " + t.dtype() + ", expected BF16 or F32");
        }
    }

    private static int toInt(TensorInfo t, long v) {
        if (v > Integer.MAX_VALUE) {
            throw fail(t, "dimension " + v + " exceeds 2^31");
        }
        return (int) v;
    }

    private static CheckpointException fail(TensorInfo t, String what) {
        return new CheckpointException(t.file() + ": tensor '" + t.name() + "' " + what);
    }

    /** Unmaps every file. */
    @Override
    public void close() {
        arena.close();
    }
}
