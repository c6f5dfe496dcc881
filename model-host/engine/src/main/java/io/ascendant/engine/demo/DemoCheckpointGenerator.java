package io.ascendant.engine.demo;

import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.checkpoint.SafetensorsWriter;
import io.ascendant.engine.checkpoint.TensorInventory;
import io.ascendant.engine.checkpoint.TensorSpec;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.numerics.Bf16;
import io.ascendant.engine.numerics.E8m0;
import io.ascendant.engine.numerics.Fp4E2m1;
import io.ascendant.engine.numerics.Fp8E4m3;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Writes a demo checkpoint in the official format: {@code config.json} (HF names), safetensors with the official
 * tensor names, dtypes and shapes taken from {@link TensorInventory} (so they cannot drift from what the loader
 * validates), and the V4 {@code tokenizer.json}.
 *
 * <p>Weights are random but deterministic (one {@link SplittableRandom} with a fixed seed, drawn in inventory order)
 * and chosen so activations stay in a sane range through every layer: FP8 linears get e4m3 codes of N(0, 16²) with
 * power-of-two E8M0 block scales near {@code 1/(16·√in)} (jittered by ±1 exponent per block), FP4 experts e2m1 codes of
 * N(0, 1.5²) with 1×32 scales near {@code 1/(1.5·√in)}, BF16 matrices N(0, 1/in), norm weights 1 ± 0.1, mHC
 * {@code hc_*_fn} N(0, 1/(hc·D)) with {@code hc_scale} ≈ 0.1 and a comb base favouring the identity (so Sinkhorn is
 * not saturated), attention sinks N(0, 0.5²), gate biases N(0, 0.05²), and {@code tid2eid} rows of distinct experts.
 */
public final class DemoCheckpointGenerator {
    /** The seed every shipped demo checkpoint uses. */
    public static final long SEED = 20260424L;

    private static final String TOKENIZER_RESOURCE = "io/ascendant/tokenizer/deepseek-v4/tokenizer.json";

    private DemoCheckpointGenerator() {}

    /**
     * Generates {@code variant} into {@code dir} (created if needed) with the fixed {@link #SEED}.
     *
     * @return the bytes of tensor data written
     */
    public static long generate(DemoVariant variant, Path dir) throws IOException {
        return generate(variant, dir, SEED, true);
    }

    /**
     * Generates {@code variant} into {@code dir}.
     *
     * @param withTokenizer copy the V4 {@code tokenizer.json} from the tokenizer module's classpath resource
     * @return the bytes of tensor data written
     */
    public static long generate(DemoVariant variant, Path dir, long seed, boolean withTokenizer) throws IOException {
        return generate(variant.configJson(), dir, seed, variant.shardBytes, withTokenizer, false);
    }

    /**
     * Generates a checkpoint for any V4 {@code config.json} (benchmarks use a mid-size one).
     *
     * @param shardBytes shard size, 0 for a single {@code model.safetensors}
     * @param fastCodes draw FP8/FP4 codes as uniform random bytes (NaN codes excluded) with scales sized for them,
     *     instead of rounding Gaussians: much faster for checkpoints of gigabytes, same value ranges in spirit
     * @return the bytes of tensor data written
     */
    public static long generate(
            String configJson, Path dir, long seed, long shardBytes, boolean withTokenizer, boolean fastCodes)
            throws IOException {
        Files.createDirectories(dir);
        ModelConfig config =
                ModelConfig.parse(configJson, dir.resolve("config.json").toString());
        TensorInventory inventory = TensorInventory.of(config, "fp4");
        SplittableRandom rnd = new SplittableRandom(seed);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (TensorSpec s : inventory.specs().values()) {
            if (s.dtype() == DType.F8_E8M0) {
                continue; // written together with its weight
            }
            add(writer, inventory, s, config, rnd, fastCodes);
        }
        deleteOldCheckpointFiles(dir);
        writer.writeSharded(dir, shardBytes == 0 ? Long.MAX_VALUE : shardBytes, shardBytes != 0);
        Files.writeString(dir.resolve("config.json"), configJson);
        if (withTokenizer) {
            copyTokenizer(dir.resolve("tokenizer.json"));
        }
        return writer.dataBytes();
    }

    private static void deleteOldCheckpointFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(".safetensors") || n.equals("model.safetensors.index.json")) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Copies the V4 tokenizer.json (plain or gzip resource of the tokenizer module) to {@code target}. */
    static void copyTokenizer(Path target) throws IOException {
        ClassLoader cl = DemoCheckpointGenerator.class.getClassLoader();
        InputStream in = cl.getResourceAsStream(TOKENIZER_RESOURCE);
        if (in == null) {
            InputStream gz = cl.getResourceAsStream(TOKENIZER_RESOURCE + ".gz");
            if (gz == null) {
                throw new IOException("the V4 tokenizer resource " + TOKENIZER_RESOURCE
                        + "(.gz) is not on the classpath (module model-host-tokenizer)");
            }
            in = new GZIPInputStream(gz);
        }
        try (InputStream s = in) {
            Files.copy(s, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void add(
            SafetensorsWriter w, TensorInventory inv, TensorSpec s, ModelConfig c, SplittableRandom rnd, boolean fast) {
        String name = s.name();
        long[] shape = s.shape();
        switch (s.dtype()) {
            case F8_E4M3 -> addFp8(w, inv, s, rnd, fast);
            case I8 -> addFp4(w, inv, s, rnd, fast);
            case I64 ->
                w.addInts(name, DType.I64, shape, tid2eid((int) shape[0], (int) shape[1], c.nRoutedExperts(), rnd));
            case BF16 -> w.addFloats(name, DType.BF16, shape, bf16Values(name, shape, rnd));
            case F32 -> w.addFloats(name, DType.F32, shape, f32Values(name, shape, c, rnd));
            default -> throw new IllegalStateException("no generator for " + s);
        }
    }

    private static String scaleName(String weight) {
        return weight.substring(0, weight.length() - ".weight".length()) + ".scale";
    }

    private static void addFp8(
            SafetensorsWriter w, TensorInventory inv, TensorSpec s, SplittableRandom rnd, boolean fast) {
        long[] shape = s.shape();
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        byte[] codes = new byte[rows * cols];
        double rms = 16;
        if (fast) {
            rnd.nextBytes(codes);
            for (int i = 0; i < codes.length; i++) {
                if ((codes[i] & 0x7f) == 0x7f) {
                    codes[i] = 0;
                }
            }
            rms = 128; // uniform e4m3 codes: magnitudes up to 448
        } else {
            for (int i = 0; i < codes.length; i++) {
                codes[i] = Fp8E4m3.encode((float) (rnd.nextGaussian() * 16));
            }
        }
        TensorSpec sc = inv.specs().get(scaleName(s.name()));
        byte[] scales = new byte[(int) (sc.shape()[0] * sc.shape()[1])];
        int base = (int) Math.round(Math.log(1.0 / (rms * Math.sqrt(cols))) / Math.log(2));
        for (int i = 0; i < scales.length; i++) {
            scales[i] = E8m0.ofExponent(base + rnd.nextInt(-1, 2));
        }
        w.add(s.name(), DType.F8_E4M3, shape, codes);
        w.add(sc.name(), DType.F8_E8M0, sc.shape(), scales);
    }

    private static void addFp4(
            SafetensorsWriter w, TensorInventory inv, TensorSpec s, SplittableRandom rnd, boolean fast) {
        long[] shape = s.shape();
        int rows = (int) shape[0];
        int cols = (int) shape[1] * 2;
        byte[] packed = new byte[rows * cols / 2];
        double rms = 1.5;
        if (fast) {
            rnd.nextBytes(packed);
            rms = 3; // uniform e2m1 codes
        } else {
            for (int i = 0; i < packed.length; i++) {
                int lo = Fp4E2m1.encode((float) (rnd.nextGaussian() * 1.5));
                int hi = Fp4E2m1.encode((float) (rnd.nextGaussian() * 1.5));
                packed[i] = (byte) (lo | hi << 4);
            }
        }
        TensorSpec sc = inv.specs().get(scaleName(s.name()));
        byte[] scales = new byte[rows * cols / 32];
        int base = (int) Math.round(Math.log(1.0 / (rms * Math.sqrt(cols))) / Math.log(2));
        for (int i = 0; i < scales.length; i++) {
            scales[i] = E8m0.ofExponent(base + rnd.nextInt(-1, 2));
        }
        w.add(s.name(), DType.I8, shape, packed);
        w.add(sc.name(), DType.F8_E8M0, sc.shape(), scales);
    }

    private static int[] tid2eid(int vocab, int k, int experts, SplittableRandom rnd) {
        int[] out = new int[vocab * k];
        int[] perm = new int[experts];
        for (int t = 0; t < vocab; t++) {
            for (int e = 0; e < experts; e++) {
                perm[e] = e;
            }
            for (int j = 0; j < k; j++) { // partial Fisher-Yates: k distinct experts
                int pick = j + rnd.nextInt(experts - j);
                int tmp = perm[j];
                perm[j] = perm[pick];
                perm[pick] = tmp;
                out[t * k + j] = perm[j];
            }
        }
        return out;
    }

    private static float[] bf16Values(String name, long[] shape, SplittableRandom rnd) {
        int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
        float[] v = new float[n];
        if (shape.length == 1) { // norm weights
            for (int i = 0; i < n; i++) {
                v[i] = Bf16.round((float) (1 + 0.1 * rnd.nextGaussian()));
            }
            return v;
        }
        double std = name.equals("embed.weight") ? 1.0 : 1.0 / Math.sqrt(shape[1]);
        for (int i = 0; i < n; i++) {
            v[i] = Bf16.round((float) (rnd.nextGaussian() * std));
        }
        return v;
    }

    private static float[] f32Values(String name, long[] shape, ModelConfig c, SplittableRandom rnd) {
        int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
        float[] v = new float[n];
        int hc = c.hcMult();
        if (name.endsWith("_fn")) { // hc_attn_fn, hc_ffn_fn, hc_head_fn: [mix or hc, hc·D]
            double std = 1.0 / Math.sqrt(shape[1]);
            for (int i = 0; i < n; i++) {
                v[i] = (float) (rnd.nextGaussian() * std);
            }
        } else if (name.endsWith("_scale")) { // hc_*_scale [3], hc_head_scale [1]
            for (int i = 0; i < n; i++) {
                v[i] = (float) (0.1 * (1 + 0.2 * rnd.nextGaussian()));
            }
        } else if (name.endsWith("hc_head_base")) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) (0.1 * rnd.nextGaussian());
            }
        } else if (name.endsWith("_base")) { // [pre hc | post hc | comb hc×hc]
            for (int i = 0; i < n; i++) {
                double b = 0.1 * rnd.nextGaussian();
                int j = i - 2 * hc;
                if (j >= 0 && j / hc == j % hc) {
                    b += 1.0; // comb favours keeping each stream
                }
                v[i] = (float) b;
            }
        } else if (name.endsWith("attn_sink")) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) (0.5 * rnd.nextGaussian());
            }
        } else if (name.endsWith(".ape")) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) (0.1 * rnd.nextGaussian());
            }
        } else if (name.endsWith("gate.bias")) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) (0.05 * rnd.nextGaussian());
            }
        } else {
            throw new IllegalStateException("no F32 generator for " + name);
        }
        return v;
    }
}
