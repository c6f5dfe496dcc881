package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.Checkpoint;
import io.ascendant.engine.checkpoint.TensorInventory;
import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.kernels.EngineThreads;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The DeepSeek V4 forward pass (reference {@code inference/model.py}, April 2026) over a {@link WeightSource}:
 * embedding → {@code numLayers} blocks on a 4-stream mHC residual → head mix → final norm → fp32 head. The MTP
 * blocks ({@code mtp.*}) are not loaded: plain decoding does not use them (as {@code generate.py}).
 *
 * <p>Entry points: {@link #prefill} (the reference's {@code start_pos = 0} pass over a whole prompt; only the last
 * position's logits are computed), {@link #decode} (one token through the incremental path), {@link
 * #decodeBatch} (one token for each of several sequences of any lengths in one step: every projection reads its
 * weights once for the whole batch), {@link #extend} / {@link #extendAll} (several tokens of one sequence through
 * the incremental path in one step, for a restored prefix or teacher forcing).
 *
 * <p>Threading: a model is immutable after construction and may serve concurrent steps on different states; a
 * {@link SequenceState} must see one step at a time. Work inside a step is split over the model's pool (heads,
 * rows) and the weight kernels' own threads.
 */
public final class V4Model implements AutoCloseable {
    private final ModelConfig cfg;
    private final WeightSource src;
    private final Layer[] layers;
    private final Rope ropePlain;
    private final Rope ropeComp;
    private final float[] norm; // (D)
    private final Linear head; // (vocab, D) fp32
    private final Linear hcHeadFn; // (hc, hc·D) fp32
    private final float[] hcHeadBase; // (hc)
    private final float hcHeadScale;
    private final float normEps;
    private final float hcEps;
    private final Parallel parallel;
    private int maxChunk = Integer.getInteger("ascendant.engine.maxPrefillChunk", 4096);

    /**
     * Builds the model over {@code src}; checks every tensor it will read against {@code cfg}. Work inside a step
     * that is not a weight product (heads, rows) runs on the shared engine pool.
     */
    public V4Model(ModelConfig cfg, WeightSource src) {
        this(cfg, src, EngineThreads.shared());
    }

    /**
     * Builds the model over {@code src}, splitting attention work over {@code threads} (give the same pool the
     * weight source's matrices use).
     */
    public V4Model(ModelConfig cfg, WeightSource src, EngineThreads threads) {
        this.cfg = cfg;
        this.parallel = new Parallel(threads);
        this.src = src;
        ModelConfig.RopeScaling ys = cfg.ropeScaling();
        this.ropePlain = new Rope(cfg.ropeHeadDim(), cfg.ropeTheta(), 0, 1, ys.betaFast(), ys.betaSlow());
        this.ropeComp = new Rope(
                cfg.ropeHeadDim(),
                cfg.compressRopeTheta(),
                ys.enabled() ? (int) ys.originalMaxPositionEmbeddings() : 0,
                ys.factor(),
                ys.betaFast(),
                ys.betaSlow());
        this.layers = new Layer[cfg.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(src, cfg, l, cfg.compressRatio(l) != 0 ? ropeComp : ropePlain);
        }
        this.norm = src.floats("norm.weight");
        this.head = Linear.plain(src, "head.weight", Linear.Out.FP32);
        this.hcHeadFn = Linear.plain(src, "hc_head_fn", Linear.Out.FP32);
        this.hcHeadBase = src.floats("hc_head_base");
        this.hcHeadScale = src.floats("hc_head_scale")[0];
        this.normEps = (float) cfg.rmsNormEps();
        this.hcEps = (float) cfg.hcEps();
        Shapes.require("head.weight", head.rows(), cfg.vocabSize());
        Shapes.require("head.weight cols", head.cols(), cfg.hiddenSize());
        Shapes.require("norm.weight", norm.length, cfg.hiddenSize());
        Shapes.require("hc_head_fn", hcHeadFn.rows(), cfg.hcMult());
        Shapes.require("hc_head_base", hcHeadBase.length, cfg.hcMult());
        long[] embed = src.shape("embed.weight");
        Shapes.require("embed.weight", embed[0], cfg.vocabSize());
        Shapes.require("embed.weight cols", embed[1], cfg.hiddenSize());
    }

    /**
     * Opens a checkpoint directory ({@code config.json} + safetensors, sharded or not), validates every tensor
     * against the config (one message naming the file and the tensor on the first problem; MTP tensors may be
     * absent) and builds the model on the memory-mapped weights.
     *
     * @throws io.ascendant.engine.config.ConfigException for a bad config.json
     * @throws io.ascendant.engine.checkpoint.CheckpointException for missing, truncated or mismatched weights
     */
    public static V4Model load(Path dir) {
        return load(dir, EngineThreads.shared());
    }

    /** {@link #load(Path)} with every product and the attention split over {@code threads}. */
    public static V4Model load(Path dir, EngineThreads threads) {
        ModelConfig cfg = ModelConfig.load(dir);
        Checkpoint ck = Checkpoint.open(dir, threads);
        try {
            TensorInventory.of(cfg, ck).validate(ck, false);
            return new V4Model(cfg, ck, threads);
        } catch (RuntimeException e) {
            ck.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return cfg;
    }

    public int vocabSize() {
        return cfg.vocabSize();
    }

    /** A fresh, empty sequence state (position 0). */
    public SequenceState newSequence() {
        return new SequenceState(cfg);
    }

    /**
     * Feeds a prompt and returns the logits (fp32, {@code vocab}) after its last token. On a fresh state this is
     * the reference prefill; on a state that already holds tokens (a restored prefix) it is {@link #extend}.
     */
    public float[] prefill(SequenceState state, int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkTokens(tokens);
        if (state.position > 0) {
            return extend(state, tokens);
        }
        if (tokens.length > maxChunk) {
            // bounded memory: the reference's one-shot prefill of the first chunk, then the incremental path
            prefill(state, java.util.Arrays.copyOf(tokens, maxChunk));
            return extend(state, java.util.Arrays.copyOfRange(tokens, maxChunk, tokens.length));
        }
        int[] positions = new int[tokens.length];
        SequenceState[] states = new SequenceState[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            positions[i] = i;
            states[i] = state;
        }
        float[][] logits = forward(new Step(
                true, tokens.clone(), positions, states, ropePlain, ropeComp, parallel, new int[] {tokens.length - 1}));
        state.position = tokens.length;
        return logits[0];
    }

    /** Feeds one token through the incremental path and returns the logits after it. */
    public float[] decode(SequenceState state, int token) {
        return decodeBatch(List.of(state), new int[] {token})[0];
    }

    /**
     * One incremental step for several sequences at once (any positions): row i feeds {@code tokens[i]} to
     * {@code states.get(i)}. Returns {@code [n][vocab]} logits. The states must be distinct.
     */
    public float[][] decodeBatch(List<SequenceState> states, int[] tokens) {
        int n = tokens.length;
        if (states.size() != n) {
            throw new IllegalArgumentException(states.size() + " states for " + n + " tokens");
        }
        if (n == 0) {
            return new float[0][];
        }
        checkTokens(tokens);
        IdentityHashMap<SequenceState, Boolean> seen = new IdentityHashMap<>();
        int[] positions = new int[n];
        SequenceState[] arr = new SequenceState[n];
        for (int i = 0; i < n; i++) {
            SequenceState s = states.get(i);
            if (seen.put(s, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("sequence state at index " + i + " appears twice in the batch");
            }
            arr[i] = s;
            positions[i] = s.position;
        }
        float[][] logits =
                forward(new Step(false, tokens.clone(), positions, arr, ropePlain, ropeComp, parallel, all(n)));
        for (SequenceState s : arr) {
            s.position++;
        }
        return logits;
    }

    /**
     * Feeds several tokens to one sequence through the incremental path, exactly as that many {@link #decode} calls
     * would (same ring, compressor and indexer semantics, token after token), but reading every weight once for the
     * whole chunk. Returns the logits after the last token. For continuing a restored prefix, or a prompt appended
     * to a conversation.
     */
    public float[] extend(SequenceState state, int[] tokens) {
        return extend(state, tokens, false)[0];
    }

    /** {@link #extend} returning the logits after every token ({@code [tokens.length][vocab]}: teacher forcing). */
    public float[][] extendAll(SequenceState state, int[] tokens) {
        return extend(state, tokens, true);
    }

    private float[][] extend(SequenceState state, int[] tokens, boolean everyRow) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("extend needs at least one token");
        }
        checkTokens(tokens);
        if (n > maxChunk) {
            // chunks of the incremental path are exact: each token sees the state the previous one left
            float[][] out = new float[everyRow ? n : 1][];
            for (int c0 = 0; c0 < n; c0 += maxChunk) {
                int c1 = Math.min(n, c0 + maxChunk);
                float[][] part = extend(state, java.util.Arrays.copyOfRange(tokens, c0, c1), everyRow);
                if (everyRow) {
                    System.arraycopy(part, 0, out, c0, part.length);
                } else if (c1 == n) {
                    out[0] = part[0];
                }
            }
            return out;
        }
        int[] positions = new int[n];
        SequenceState[] states = new SequenceState[n];
        for (int i = 0; i < n; i++) {
            positions[i] = state.position + i;
            states[i] = state;
        }
        int[] rows = everyRow ? all(n) : new int[] {n - 1};
        float[][] logits =
                forward(new Step(false, tokens.clone(), positions, states, ropePlain, ropeComp, parallel, rows));
        state.position += n;
        return logits;
    }

    /**
     * Most tokens one forward step takes (default 4096, {@code -Dascendant.engine.maxPrefillChunk}): activations grow
     * with the tokens of a step, so a longer prompt is prefilled in its first chunk (the reference's one-shot
     * prefill) and continued chunk by chunk through {@link #extend}; longer extends are cut the same way (exact).
     */
    public void setMaxChunk(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("max chunk must be at least one token, was " + tokens);
        }
        this.maxChunk = tokens;
    }

    private static int[] all(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private void checkTokens(int[] tokens) {
        for (int t : tokens) {
            if (t < 0 || t >= cfg.vocabSize()) {
                throw new IllegalArgumentException(
                        "token id " + t + " outside the vocabulary [0, " + cfg.vocabSize() + ")");
            }
        }
    }

    /** The forward pass of a step; logits of the step's {@code logitRows}. */
    float[][] forward(Step step) {
        final int n = step.n;
        final int d = cfg.hiddenSize();
        final int hc = cfg.hcMult();
        Workspace ws = new Workspace(cfg, n);

        // ---- embedding (n, D) bf16, copied into the hc residual streams (n, hc, D) ----
        float[] x = ws.x;
        float[] x2 = ws.x2;
        for (int r = 0; r < n; r++) {
            src.row("embed.weight", step.tokens[r], ws.u, r * d);
            for (int j = 0; j < hc; j++) {
                System.arraycopy(ws.u, r * d, x, (r * hc + j) * d, d);
            }
        }

        for (Layer layer : layers) {
            // ---- attention sublayer: hc_pre → attn_norm → attention → hc_post ----
            hcPre(x, n, layer.hcAttnFn, layer.hcAttnScale, layer.hcAttnBase, ws); // ws.u (n, D)
            Norms.rmsNorm(ws.u, n, d, layer.attnNorm, normEps, ws.u);
            layer.attn.forward(step, ws, ws.u, ws.f); // ws.f (n, D)
            hcPost(ws.f, x, n, ws, x2); // x2 (n, hc, D)
            float[] t = x;
            x = x2;
            x2 = t;

            // ---- feed-forward sublayer: hc_pre → ffn_norm → MoE → hc_post ----
            hcPre(x, n, layer.hcFfnFn, layer.hcFfnScale, layer.hcFfnBase, ws);
            Norms.rmsNorm(ws.u, n, d, layer.ffnNorm, normEps, ws.u);
            layer.ffn.forward(ws.u, n, step.tokens, ws.f);
            hcPost(ws.f, x, n, ws, x2);
            t = x;
            x = x2;
            x2 = t;
        }

        // ---- head: hc_head mix → norm → fp32 logits, for the rows that need them ----
        int m = step.logitRows.length;
        float[] y = new float[m * d]; // (m, D)
        float[] mixes = new float[m * hc];
        float[] pre = new float[hc];
        float[] rows = new float[m * hc * d]; // (m, hc, D)
        for (int i = 0; i < m; i++) {
            System.arraycopy(x, step.logitRows[i] * hc * d, rows, i * hc * d, hc * d);
        }
        hcHeadFn.forward(rows, m, mixes); // (m, hc) fp32
        for (int r = 0; r < m; r++) {
            float rs = HyperConnections.rmsScale(rows, r * hc * d, hc * d, normEps);
            for (int j = 0; j < hc; j++) {
                mixes[r * hc + j] *= rs;
            }
            HyperConnections.headPre(mixes, r * hc, hcHeadScale, hcHeadBase, hc, hcEps, pre);
            HyperConnections.collapse(rows, r * hc * d, pre, 0, hc, d, y, r * d);
        }
        Norms.rmsNorm(y, m, d, norm, normEps, y);
        float[] logits = new float[m * cfg.vocabSize()];
        head.forward(y, m, logits); // (m, vocab) fp32
        float[][] out = new float[m][];
        for (int r = 0; r < m; r++) {
            out[r] = java.util.Arrays.copyOfRange(logits, r * cfg.vocabSize(), (r + 1) * cfg.vocabSize());
        }
        return out;
    }

    /** mHC pre-mix of n rows: mixes, Sinkhorn split into ws.pre/post/comb, collapse into ws.u (bf16). */
    private void hcPre(float[] x, int n, Linear fn, float[] scale, float[] base, Workspace ws) {
        int d = cfg.hiddenSize();
        int hc = cfg.hcMult();
        int mix = cfg.mixHc();
        fn.forward(x, n, ws.mixes); // (n, mix_hc) fp32
        for (int r = 0; r < n; r++) {
            float rs = HyperConnections.rmsScale(x, r * hc * d, hc * d, normEps);
            for (int j = 0; j < mix; j++) {
                ws.mixes[r * mix + j] *= rs;
            }
            HyperConnections.splitSinkhorn(
                    ws.mixes,
                    r * mix,
                    scale,
                    base,
                    hc,
                    cfg.hcSinkhornIters(),
                    hcEps,
                    ws.pre,
                    r * hc,
                    ws.post,
                    r * hc,
                    ws.comb,
                    r * hc * hc);
            HyperConnections.collapse(x, r * hc * d, ws.pre, r * hc, hc, d, ws.u, r * d);
        }
    }

    /** mHC post-mix of n rows: {@code out = bf16(post·F + combᵀ·X)}. */
    private void hcPost(float[] f, float[] x, int n, Workspace ws, float[] out) {
        int d = cfg.hiddenSize();
        int hc = cfg.hcMult();
        for (int r = 0; r < n; r++) {
            HyperConnections.expand(
                    f, r * d, x, r * hc * d, ws.post, r * hc, ws.comb, r * hc * hc, hc, d, out, r * hc * d);
        }
    }

    /**
     * Bytes of weights one decode token reads: every dense projection, the head, the shared expert and
     * {@code num_experts_per_tok} routed experts per layer (the roofline's numerator).
     */
    public long activeWeightBytesPerToken() {
        long b = head.storedBytes() + hcHeadFn.storedBytes() + (long) cfg.hiddenSize() * 2; // + one embedding row
        for (Layer l : layers) {
            b += l.hcAttnFn.storedBytes() + l.hcFfnFn.storedBytes();
            Attention a = l.attn;
            b += a.wqA.storedBytes()
                    + a.wqB.storedBytes()
                    + a.wkv.storedBytes()
                    + a.woA.storedBytes()
                    + a.woB.storedBytes();
            if (a.compressor != null) {
                b += a.compressor.wkv.storedBytes() + a.compressor.wgate.storedBytes();
            }
            if (a.indexer != null) {
                b += a.indexer.wqB.storedBytes()
                        + a.indexer.weightsProj.storedBytes()
                        + a.indexer.compressor.wkv.storedBytes()
                        + a.indexer.compressor.wgate.storedBytes();
            }
            Moe f = l.ffn;
            b += f.gate.storedBytes() + f.sw1.storedBytes() + f.sw2.storedBytes() + f.sw3.storedBytes();
            long expert = f.w1[0].storedBytes() + f.w2[0].storedBytes() + f.w3[0].storedBytes();
            b += expert * f.topk;
        }
        return b;
    }

    /** Closes the weight source. */
    @Override
    public void close() {
        src.close();
    }
}
