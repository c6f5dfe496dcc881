package io.ascendant.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.engine.config.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TensorInventoryTest {

    static ModelConfig flash() throws IOException {
        try (InputStream in = ModelConfig.class.getResourceAsStream("v4-flash-config.json")) {
            return ModelConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "config.json");
        }
    }

    static final String TINY = """
            {"vocab_size":1024,"dim":256,"moe_inter_dim":128,"n_layers":4,"n_hash_layers":1,"n_mtp_layers":1,
             "n_heads":4,"head_dim":256,"rope_head_dim":64,"q_lora_rank":128,"o_groups":2,"o_lora_rank":128,
             "n_routed_experts":8,"n_shared_experts":1,"n_activated_experts":2,"score_func":"sqrtsoftplus",
             "route_scale":1.5,"swiglu_limit":10.0,"window_size":16,"compress_ratios":[0,4,16,4,0],
             "rope_theta":10000,"compress_rope_theta":160000,"original_seq_len":64,"rope_factor":4,
             "beta_fast":32,"beta_slow":1,"index_n_heads":4,"index_head_dim":128,"index_topk":8,"hc_mult":4,
             "hc_sinkhorn_iters":20,"hc_eps":1e-6,"norm_eps":1e-6,"dtype":"fp8","scale_fmt":"ue8m0",
             "expert_dtype":"fp4","max_seq_len":256,"max_batch_size":1}
            """;

    @Test
    void tinyConfigHas427Tensors() {
        TensorInventory inv = TensorInventory.of(ModelConfig.parse(TINY, "tiny"), (String) null);
        assertThat(inv.count(true)).isEqualTo(427);
        assertThat(inv.specs().get("layers.1.attn.indexer.compressor.ape").shape())
                .containsExactly(4, 256);
        assertThat(inv.specs().get("layers.2.attn.compressor.ape").shape()).containsExactly(16, 256);
        assertThat(inv.specs().get("layers.0.ffn.gate.tid2eid").shape()).containsExactly(1024, 2);
        assertThat(inv.specs()).doesNotContainKey("layers.1.ffn.gate.tid2eid");
        assertThat(inv.specs().get("layers.3.ffn.experts.7.w2.weight").dtype()).isEqualTo(DType.I8);
        assertThat(inv.specs().get("layers.3.ffn.experts.7.w2.weight").shape()).containsExactly(256, 64);
        assertThat(inv.specs().get("layers.3.ffn.experts.7.w2.scale").shape()).containsExactly(256, 4);
        assertThat(inv.specs().get("mtp.0.e_proj.scale").shape()).containsExactly(2, 2);
        assertThat(inv.specs().get("mtp.0.ffn.gate.bias").mtp()).isTrue();
    }

    @Test
    void flashInventoryMatchesTheReleasedCheckpoint() throws IOException {
        TensorInventory inv = TensorInventory.of(flash(), (String) null);
        assertThat(inv.count(false)).isEqualTo(67_612);
        assertThat(inv.specs().get("layers.2.attn.wo_a.scale").shape()).containsExactly(64, 32);
        assertThat(inv.specs().get("layers.2.attn.compressor.wkv.weight").shape())
                .containsExactly(1024, 4096);
        assertThat(inv.specs().get("layers.3.attn.compressor.ape").shape()).containsExactly(128, 512);
        assertThat(inv.specs().get("layers.4.ffn.experts.255.w1.weight").shape())
                .containsExactly(2048, 2048);
        // brief §1.3: 6880 bytes of compressed KV per token for Flash
        assertThat(inv.kvBytesPerToken()).isEqualTo(6880.0);
        double gb = inv.totalBytes(true) / 1e9;
        assertThat(gb).isBetween(159.0, 161.0);
    }
}
