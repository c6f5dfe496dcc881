package io.ascendant.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    private static String flashJson() throws IOException {
        try (InputStream in = ModelConfigTest.class.getResourceAsStream("v4-flash-config.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheV4FlashHuggingFaceConfig() throws IOException {
        ModelConfig c = ModelConfig.parse(flashJson(), "config.json");
        assertThat(c.vocabSize()).isEqualTo(129280);
        assertThat(c.hiddenSize()).isEqualTo(4096);
        assertThat(c.numLayers()).isEqualTo(43);
        assertThat(c.numHeads()).isEqualTo(64);
        assertThat(c.headDim()).isEqualTo(512);
        assertThat(c.ropeHeadDim()).isEqualTo(64);
        assertThat(c.nopeHeadDim()).isEqualTo(448);
        assertThat(c.qLoraRank()).isEqualTo(1024);
        assertThat(c.oGroups()).isEqualTo(8);
        assertThat(c.oLoraRank()).isEqualTo(1024);
        assertThat(c.slidingWindow()).isEqualTo(128);
        assertThat(c.indexNHeads()).isEqualTo(64);
        assertThat(c.indexHeadDim()).isEqualTo(128);
        assertThat(c.indexTopk()).isEqualTo(512);
        assertThat(c.nRoutedExperts()).isEqualTo(256);
        assertThat(c.numExpertsPerTok()).isEqualTo(6);
        assertThat(c.moeIntermediateSize()).isEqualTo(2048);
        assertThat(c.scoringFunc()).isEqualTo("sqrtsoftplus");
        assertThat(c.routedScalingFactor()).isEqualTo(1.5);
        assertThat(c.numHashLayers()).isEqualTo(3);
        assertThat(c.swigluLimit()).isEqualTo(10.0);
        assertThat(c.hcMult()).isEqualTo(4);
        assertThat(c.hcSinkhornIters()).isEqualTo(20);
        assertThat(c.hcEps()).isEqualTo(1e-6);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.ropeTheta()).isEqualTo(10000);
        assertThat(c.compressRopeTheta()).isEqualTo(160000);
        assertThat(c.ropeScaling().factor()).isEqualTo(16);
        assertThat(c.ropeScaling().originalMaxPositionEmbeddings()).isEqualTo(65536);
        assertThat(c.ropeScaling().betaFast()).isEqualTo(32);
        assertThat(c.ropeScaling().betaSlow()).isEqualTo(1);
        assertThat(c.compressRatios()).hasSize(44);
        assertThat(c.numNextnPredictLayers()).isEqualTo(1);
        assertThat(c.quantization().fp8()).isTrue();
        assertThat(c.quantization().ue8m0()).isTrue();
        assertThat(c.expertDtype()).isNull();
        assertThat(c.mixHc()).isEqualTo(24);
        assertThat(c.woGroupInput()).isEqualTo(4096);
    }

    @Test
    void classifiesLayersAsTheFlashRatiosSay() throws IOException {
        ModelConfig c = ModelConfig.parse(flashJson(), "config.json");
        assertThat(c.compressRatio(0)).isZero();
        assertThat(c.compressRatio(1)).isZero();
        assertThat(c.isCsa(2)).isTrue();
        assertThat(c.isHca(3)).isTrue();
        assertThat(c.isCsa(42)).isTrue();
        assertThat(c.compressRatio(43)).isZero(); // MTP
        assertThat(c.usesYarn(0)).isFalse();
        assertThat(c.usesYarn(2)).isTrue();
        assertThat(c.ropeThetaOf(0)).isEqualTo(10000);
        assertThat(c.ropeThetaOf(3)).isEqualTo(160000);
        assertThat(c.isHashLayer(2)).isTrue();
        assertThat(c.isHashLayer(3)).isFalse();
    }

    @Test
    void acceptsTheReferenceConfigNames() {
        String json = """
                {"vocab_size":1024,"dim":256,"moe_inter_dim":128,"n_layers":4,"n_hash_layers":1,"n_mtp_layers":1,
                 "n_heads":4,"head_dim":256,"rope_head_dim":64,"q_lora_rank":128,"o_groups":2,"o_lora_rank":128,
                 "n_routed_experts":8,"n_shared_experts":1,"n_activated_experts":2,"score_func":"sqrtsoftplus",
                 "route_scale":1.5,"swiglu_limit":10.0,"window_size":16,"compress_ratios":[0,4,16,4,0],
                 "rope_theta":10000,"compress_rope_theta":160000,"original_seq_len":64,"rope_factor":4,
                 "beta_fast":32,"beta_slow":1,"index_n_heads":4,"index_head_dim":128,"index_topk":8,"hc_mult":4,
                 "hc_sinkhorn_iters":20,"hc_eps":1e-6,"norm_eps":1e-6,"dtype":"fp8","scale_fmt":"ue8m0",
                 "expert_dtype":"fp4","max_seq_len":256,"max_batch_size":1}
                """;
        ModelConfig c = ModelConfig.parse(json, "tiny.json");
        assertThat(c.hiddenSize()).isEqualTo(256);
        assertThat(c.numLayers()).isEqualTo(4);
        assertThat(c.numNextnPredictLayers()).isEqualTo(1);
        assertThat(c.slidingWindow()).isEqualTo(16);
        assertThat(c.ropeScaling().enabled()).isTrue();
        assertThat(c.ropeScaling().factor()).isEqualTo(4);
        assertThat(c.ropeScaling().originalMaxPositionEmbeddings()).isEqualTo(64);
        assertThat(c.quantization().fp8()).isTrue();
        assertThat(c.quantization().ue8m0()).isTrue();
        assertThat(c.expertDtype()).isEqualTo("fp4");
        assertThat(c.isHca(2)).isTrue();
    }

    @Test
    void readsTransformersV5RopeParameters() throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(flashJson());
        root.remove(java.util.List.of("rope_scaling", "rope_theta", "compress_rope_theta"));
        root.putObject("rope_parameters").put("rope_type", "default").put("rope_theta", 10000.0);
        root.putObject("compress_rope_parameters")
                .put("rope_type", "yarn")
                .put("rope_theta", 160000.0)
                .put("factor", 16)
                .put("original_max_position_embeddings", 65536)
                .put("beta_fast", 32)
                .put("beta_slow", 1);
        ModelConfig c = ModelConfig.parse(om.writeValueAsString(root), "config.json");
        assertThat(c.ropeTheta()).isEqualTo(10000);
        assertThat(c.compressRopeTheta()).isEqualTo(160000);
        assertThat(c.ropeScaling().enabled()).isTrue();
        assertThat(c.ropeScaling().factor()).isEqualTo(16);
        assertThat(c.ropeScaling().originalMaxPositionEmbeddings()).isEqualTo(65536);
    }

    @Test
    void namesTheMissingField() throws IOException {
        String json = flashJson().replace("\"hidden_size\": 4096,", "");
        assertThatThrownBy(() -> ModelConfig.parse(json, "/m/config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/m/config.json: missing required field 'hidden_size'");
    }

    @Test
    void rejectsTooFewCompressRatios() throws IOException {
        String json = flashJson().replace("\"num_hidden_layers\": 43", "\"num_hidden_layers\": 45");
        assertThatThrownBy(() -> ModelConfig.parse(json, "config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'compress_ratios' has 44 entries but num_hidden_layers is 45");
    }

    @Test
    void rejectsHeadsNotDivisibleByGroups() throws IOException {
        String json = flashJson().replace("\"o_groups\": 8", "\"o_groups\": 7");
        assertThatThrownBy(() -> ModelConfig.parse(json, "config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'o_groups' must divide num_attention_heads (64), got 7");
    }

    @Test
    void rejectsANonIntegerSize() throws IOException {
        String json = flashJson().replace("\"head_dim\": 512", "\"head_dim\": 512.5");
        assertThatThrownBy(() -> ModelConfig.parse(json, "config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'head_dim' must be an integer");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> ModelConfig.parse("{\"vocab_size\": ", "config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config.json: not valid JSON");
    }

    @Test
    void rejectsAnUnsupportedBlockSize() throws IOException {
        String json = flashJson().replace("128,\n      128", "64,\n      64");
        assertThatThrownBy(() -> ModelConfig.parse(json, "config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("weight_block_size");
    }
}
