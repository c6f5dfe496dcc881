package io.ascendant.bench.engine;

import io.ascendant.engine.checkpoint.TensorInventory;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.demo.DemoCheckpointGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A mid-size checkpoint of the real V4 structure for the decode/prefill benchmarks: V4-Flash's attention and expert
 * widths (D 4096, 32 heads × 512, q_lora 1024, 8 × 512 output groups, experts 2048 wide, FP8 128-blocks, FP4 experts,
 * mHC 4 streams) over 4 layers (window-only, CSA, HCA 128, CSA) with 16 experts (top 6) and a 32768 vocabulary, so one
 * decoded token reads about 1 GB of weights ({@link #activeBytes()}); about 1.7 GB on disk.
 *
 * <p>Generated once (random codes, {@link DemoCheckpointGenerator#generate(String, Path, long, long, boolean,
 * boolean)} with fast codes) into {@code -Dascendant.bench.dir} (default {@code /tmp/ascendant-bench}) and reused
 * while its config.json is unchanged.
 */
public final class SyntheticCheckpoint {
    /** The config.json of the synthetic model (HF names). */
    public static final String CONFIG = """
            {"architectures": ["DeepseekV4ForCausalLM"], "model_type": "deepseek_v4",
             "vocab_size": 32768, "hidden_size": 4096, "num_hidden_layers": 4, "num_nextn_predict_layers": 0,
             "num_attention_heads": 32, "num_key_value_heads": 1, "head_dim": 512, "qk_rope_head_dim": 64,
             "q_lora_rank": 1024, "o_groups": 8, "o_lora_rank": 512, "sliding_window": 128,
             "index_n_heads": 32, "index_head_dim": 128, "index_topk": 512,
             "n_routed_experts": 16, "n_shared_experts": 1, "num_experts_per_tok": 6, "moe_intermediate_size": 2048,
             "scoring_func": "sqrtsoftplus", "routed_scaling_factor": 1.5, "num_hash_layers": 1, "swiglu_limit": 10.0,
             "hc_mult": 4, "hc_sinkhorn_iters": 20, "hc_eps": 1e-06, "rms_norm_eps": 1e-06,
             "rope_theta": 10000, "compress_rope_theta": 160000,
             "rope_scaling": {"type": "yarn", "factor": 16, "original_max_position_embeddings": 65536,
                              "beta_fast": 32, "beta_slow": 1},
             "compress_ratios": [0, 4, 128, 4],
             "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8",
                                     "scale_fmt": "ue8m0", "weight_block_size": [128, 128]},
             "bos_token_id": 0, "eos_token_id": 1, "max_position_embeddings": 1048576}
            """;

    private SyntheticCheckpoint() {}

    /** The directory, generating the checkpoint first if it is missing or was made from another config. */
    public static synchronized Path ensure() {
        Path dir = Path.of(System.getProperty("ascendant.bench.dir", "/tmp/ascendant-bench"), "synthetic-v4");
        try {
            Path cfg = dir.resolve("config.json");
            if (Files.exists(cfg)
                    && Files.readString(cfg).equals(CONFIG)
                    && Files.exists(dir.resolve("model.safetensors.index.json"))) {
                return dir;
            }
            long t0 = System.nanoTime();
            long bytes = DemoCheckpointGenerator.generate(CONFIG, dir, 7L, 512L << 20, false, true);
            System.out.printf(
                    "# generated synthetic checkpoint %s: %.2f GB in %.0f s%n",
                    dir, bytes / 1e9, (System.nanoTime() - t0) / 1e9);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Weight bytes one decoded token reads (dense + 6/16 of the experts + one embedding row). */
    public static long activeBytes() {
        return TensorInventory.of(ModelConfig.parse(CONFIG, "synthetic"), "fp4").activeBytesPerToken();
    }

    /** Prints the synthetic config's sizes. */
    public static void main(String[] args) {
        TensorInventory inv = TensorInventory.of(ModelConfig.parse(CONFIG, "synthetic"), "fp4");
        System.out.printf(
                "active bytes per token %.3f GB, total %.3f GB%n",
                inv.activeBytesPerToken() / 1e9, inv.totalBytes(false) / 1e9);
        if (args.length > 0 && args[0].equals("--generate")) {
            System.out.println(ensure());
        }
    }
}
