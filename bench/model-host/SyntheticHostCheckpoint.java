import io.ascendant.engine.checkpoint.TensorInventory;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.demo.DemoCheckpointGenerator;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model host's mid-size benchmark checkpoint: {@code java -cp <server lib/main/*> SyntheticHostCheckpoint.java DIR}
 * generates it into DIR unless DIR already holds one made from the same config.json, and prints its sizes.
 *
 * <p>The structure is the engine benchmarks' {@code SyntheticCheckpoint} (bench/engine-jmh): V4-Flash's attention and
 * expert widths (D 4096, 32 heads × 512, q_lora 1024, 8 × 512 output groups, experts 2048 wide, FP8 128-blocks, FP4
 * experts, mHC 4 streams) over 4 layers (window-only, CSA, HCA 128, CSA) with 16 experts (top 6), but with the real
 * V4 vocabulary (129,280) and the V4 {@code tokenizer.json} beside it, because the host encodes chats with the V4 chat
 * template (special ids up to ~128.8k). The bf16 embedding and head are then 1.06 GB each, so one decoded token reads
 * about 1.76 GB of weights and the files take about 3.3 GB (memory-mapped: page cache, not heap). Weights are random
 * ({@code DemoCheckpointGenerator} with fast codes, fixed seed), so the text is noise; the work per token is real.
 */
public class SyntheticHostCheckpoint {
    static final String CONFIG = """
            {"architectures": ["DeepseekV4ForCausalLM"], "model_type": "deepseek_v4",
             "vocab_size": 129280, "hidden_size": 4096, "num_hidden_layers": 4, "num_nextn_predict_layers": 0,
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

    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        TensorInventory inv = TensorInventory.of(ModelConfig.parse(CONFIG, "synthetic-host"), "fp4");
        Path cfg = dir.resolve("config.json");
        if (Files.exists(cfg)
                && Files.readString(cfg).equals(CONFIG)
                && Files.exists(dir.resolve("model.safetensors.index.json"))
                && Files.exists(dir.resolve("tokenizer.json"))) {
            System.out.printf("synthetic V4 checkpoint %s (reused): %.2f GB of weights, %.2f GB read per decoded token%n",
                    dir, inv.totalBytes(false) / 1e9, inv.activeBytesPerToken() / 1e9);
            return;
        }
        System.out.printf("generating the synthetic V4 checkpoint into %s: %.2f GB of weights (takes a minute or two)%n",
                dir, inv.totalBytes(false) / 1e9);
        long t0 = System.nanoTime();
        Files.deleteIfExists(cfg); // written last: a half-generated directory is never taken for a finished one
        long bytes = DemoCheckpointGenerator.generate(CONFIG, dir, 7L, 512L << 20, true, true);
        System.out.printf("generated %s: %.2f GB in %.0f s, %.2f GB read per decoded token%n",
                dir, bytes / 1e9, (System.nanoTime() - t0) / 1e9, inv.activeBytesPerToken() / 1e9);
    }
}
