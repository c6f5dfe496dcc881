package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.numerics.Bf16;

/**
 * One layer's attention (reference {@code Attention.forward}), for window-only, CSA (ratio 4, indexer) and HCA
 * layers. Shapes below use H heads of width hd (rope part rd), G output groups, W window, r ratio, n rows.
 *
 * <p>Order of stages: low-rank query {@code qr = q_norm(wq_a x)}, {@code q = wq_b qr} with the bf16 per-head
 * renorm and RoPE; one shared K=V vector {@code kv = kv_norm(wkv x)} with RoPE; the index list per row (window
 * part, then compressed part: all completed entries for HCA, the indexer's top-k for CSA); {@link
 * SparseAttention} with the per-head sink; de-rotation of the output's rope dims; the grouped bf16 {@code wo_a}
 * einsum; {@code wo_b}.
 */
final class Attention {
    final int layer;
    final int heads;
    final int headDim;
    final int ropeDim;
    final int window;
    final int ratio;
    final int groups;
    final int oLora;
    final float eps;
    final float scale;
    final float[] sink; // (H)
    final Linear wqA; // (q_lora, D)
    final float[] qNorm; // (q_lora)
    final Linear wqB; // (H·hd, q_lora)
    final Linear wkv; // (hd, D)
    final float[] kvNorm; // (hd)
    final Linear woA; // (G·o_lora, H·hd/G) bf16 einsum
    final Linear woB; // (D, G·o_lora)
    final Compressor compressor; // CSA/HCA
    final Indexer indexer; // CSA
    final Rope rope;

    Attention(WeightSource src, ModelConfig cfg, int layer, Rope rope) {
        String p = "layers." + layer + ".attn";
        this.layer = layer;
        this.heads = cfg.numHeads();
        this.headDim = cfg.headDim();
        this.ropeDim = cfg.ropeHeadDim();
        this.window = cfg.slidingWindow();
        this.ratio = cfg.compressRatio(layer);
        this.groups = cfg.oGroups();
        this.oLora = cfg.oLoraRank();
        this.eps = (float) cfg.rmsNormEps();
        this.scale = (float) Math.pow(headDim, -0.5);
        this.rope = rope;
        this.sink = src.floats(p + ".attn_sink");
        this.wqA = Linear.of(src, p + ".wq_a.weight", Linear.Out.BF16);
        this.qNorm = src.floats(p + ".q_norm.weight");
        this.wqB = Linear.of(src, p + ".wq_b.weight", Linear.Out.BF16);
        this.wkv = Linear.of(src, p + ".wkv.weight", Linear.Out.BF16);
        this.kvNorm = src.floats(p + ".kv_norm.weight");
        this.woA = Linear.plain(src, p + ".wo_a.weight", Linear.Out.BF16);
        this.woB = Linear.of(src, p + ".wo_b.weight", Linear.Out.BF16);
        Shapes.require(p + ".attn_sink", sink.length, heads);
        Shapes.require(p + ".wq_a.weight", wqA.rows(), cfg.qLoraRank());
        Shapes.require(p + ".wq_b.weight", wqB.rows(), (long) heads * headDim);
        Shapes.require(p + ".wkv.weight", wkv.rows(), headDim);
        Shapes.require(p + ".wo_a.weight", woA.rows(), (long) groups * oLora);
        Shapes.require(p + ".wo_a.weight cols", woA.cols(), cfg.woGroupInput());
        Shapes.require(p + ".wo_b.weight cols", woB.cols(), (long) groups * oLora);
        if (ratio != 0) {
            this.compressor = new Compressor(src, p + ".compressor", ratio, headDim, ropeDim, false, eps, rope);
        } else {
            this.compressor = null;
        }
        if (ratio == 4) {
            this.indexer = new Indexer(
                    src, p + ".indexer", cfg.indexNHeads(), cfg.indexHeadDim(), cfg.indexTopk(), ropeDim, eps, rope);
        } else {
            this.indexer = null;
        }
    }

    /** Attention of the step's rows: {@code xa[n, D]} (bf16, after attn_norm) → {@code out[n, D]} (bf16). */
    void forward(Step step, Workspace ws, float[] xa, float[] out) {
        final int n = step.n;
        final int hd = headDim;
        final int half = ropeDim / 2;
        final float[] cos = ratio != 0 ? step.cosComp : step.cosPlain;
        final float[] sin = ratio != 0 ? step.sinComp : step.sinPlain;

        // ---- query: qr = q_norm(wq_a x) (n, q_lora); q = wq_b qr (n, H, hd) ----
        float[] xq = wqA.input(xa, n, ws.xq); // (n, D) act_quant(x)
        float[] qr = ws.qr;
        wqA.forward(xq, n, qr); // (n, q_lora)
        Norms.rmsNorm(qr, n, wqA.rows(), qNorm, eps, qr);
        float[] qrq = wqB.input(qr, n, ws.qrq); // (n, q_lora) act_quant(qr)
        float[] q = ws.q;
        wqB.forward(qrq, n, q); // (n, H·hd)
        for (int r = 0; r < n; r++) {
            for (int h = 0; h < heads; h++) {
                int off = (r * heads + h) * hd;
                Norms.headRenormBf16(q, off, hd, eps);
                Rope.applyAt(q, off + hd - ropeDim, ropeDim, cos, r * half, sin, r * half, false);
            }
        }

        // ---- shared K=V: kv = kv_norm(wkv x) (n, hd), RoPE on the last rd ----
        float[] kvIn = wkv.quantisedInput == wqA.quantisedInput ? xq : wkv.input(xa, n, ws.xq2);
        float[] kv = ws.kv;
        wkv.forward(kvIn, n, kv);
        Norms.rmsNorm(kv, n, hd, kvNorm, eps, kv);
        for (int r = 0; r < n; r++) {
            Rope.applyAt(kv, r * hd + hd - ropeDim, ropeDim, cos, r * half, sin, r * half, false);
        }
        if (Compressor.KV_FP8_SIM) {
            for (int r = 0; r < n; r++) {
                io.ascendant.engine.numerics.ActQuant.fp8InplaceE4m3(kv, r * hd, hd - ropeDim, 64, true);
            }
        }

        // ---- indexer queries and head weights (CSA) ----
        if (indexer != null) {
            float[] iqIn = indexer.wqB.quantisedInput == wqB.quantisedInput ? qrq : indexer.wqB.input(qr, n, ws.qrq2);
            indexer.wqB.forward(iqIn, n, ws.iq); // (n, IH·ID)
            indexer.finishQueries(ws.iq, n, cos, sin);
            indexer.weightsProj.forward(xa, n, ws.iw); // (n, IH)
            indexer.scaleWeights(ws.iw, n);
            indexer.compressor.project(xa, n, ws.ikv, ws.isc); // (n, 2·ID) fp32
        }
        if (compressor != null) {
            compressor.project(xa, n, ws.ckv, ws.csc); // (n, c·hd) fp32
        }

        // ---- sparse attention over window ∪ compressed entries ----
        float[] o = ws.o; // (n, H, hd)
        if (step.prefill) {
            prefillAttention(step, ws, q, kv, o);
        } else {
            decodeAttention(step, ws, q, kv, o);
        }

        // ---- de-rotate the output's rope dims with the query position ----
        for (int r = 0; r < n; r++) {
            for (int h = 0; h < heads; h++) {
                int off = (r * heads + h) * hd;
                Rope.applyAt(o, off + hd - ropeDim, ropeDim, cos, r * half, sin, r * half, true);
            }
        }

        // ---- grouped low-rank output: (n, G, H·hd/G) × (G, o_lora, H·hd/G) → (n, G·o_lora) bf16 ----
        float[] woa = ws.woa;
        groupedWoA(o, n, woa); // (n, G·o_lora)
        float[] woq = woB.input(woa, n, ws.woq);
        woB.forward(woq, n, out); // (n, D)
    }

    /**
     * The bf16 einsum {@code bsgd,grd->bsgr}: group g multiplies rows {@code [g·o_lora, (g+1)·o_lora)} of
     * {@code wo_a} (FP8 on disk, exactly representable in bf16 as convert.py dequantises it) with its slice of the
     * attention output, no activation quantisation; fp32 accumulation, bf16 output.
     */
    private void groupedWoA(float[] o, int n, float[] out) {
        int cols = woA.cols(); // H·hd/G
        int rowsAll = groups * oLora;
        for (int g = 0; g < groups; g++) {
            woA.w.matmulRows(o, g * cols, groups * cols, n, out, 0, rowsAll, g * oLora, (g + 1) * oLora);
        }
        Bf16.roundInPlace(out, 0, n * rowsAll);
    }

    private void prefillAttention(Step step, Workspace ws, float[] q, float[] kv, float[] o) {
        final int n = step.n; // S
        final SequenceState st = step.states[0];
        final int hd = headDim;
        CompressorState comp = compressor == null ? null : st.compressor[layer];
        CompressorState icomp = indexer == null ? null : st.indexer[layer];
        if (indexer != null) {
            indexer.compressor.prefill(icomp, ws.ikv, ws.isc, n, new float[indexer.dim]);
        }
        if (compressor != null) {
            compressor.prefill(comp, ws.ckv, ws.csc, n, new float[hd]);
        }
        final int ww = Math.min(n, window);
        final int entries = ratio == 0 ? 0 : n / ratio;
        final int cw = ratio == 0 ? 0 : (indexer != null ? Math.min(indexer.topk, entries) : entries);
        final float[] kvB = comp == null ? new float[0] : comp.entries;
        step.parallel.forRange(n, (from, to) -> {
            int[] idx = new int[ww + cw];
            float[] scores = new float[heads * SparseAttention.BLOCK];
            float[] acc = new float[heads * hd];
            float[] stats = new float[2 * heads];
            float[] iscore = indexer == null ? null : new float[Math.max(1, entries)];
            long[] keys = indexer == null ? null : new long[Math.max(1, entries)];
            for (int i = from; i < to; i++) {
                int base = Math.max(0, i - window + 1);
                for (int c = 0; c < ww; c++) {
                    int t = base + c;
                    idx[c] = t > i || t >= n ? -1 : t;
                }
                int visible = ratio == 0 ? 0 : (i + 1) / ratio;
                if (indexer != null) {
                    indexer.score(
                            ws.iq,
                            i * indexer.heads * indexer.dim,
                            ws.iw,
                            i * indexer.heads,
                            icomp.entries,
                            visible,
                            iscore);
                    Indexer.select(iscore, visible, cw, n, idx, ww, keys);
                } else {
                    for (int j = 0; j < cw; j++) {
                        idx[ww + j] = j < visible ? n + j : -1;
                    }
                }
                SparseAttention.attend(
                        q,
                        i * heads * hd,
                        hd,
                        0,
                        heads,
                        kv,
                        n,
                        kvB,
                        idx,
                        0,
                        ww + cw,
                        sink,
                        scale,
                        o,
                        i * heads * hd,
                        scores,
                        acc,
                        stats);
            }
        });
        // the window ring keeps the last min(S, W) raw KV rows, token p at slot p mod W
        float[] ring = st.ring[layer];
        for (int t = Math.max(0, n - window); t < n; t++) {
            System.arraycopy(kv, t * hd, ring, (t % window) * hd, hd);
        }
    }

    /**
     * The incremental path for the step's rows, wave by wave: a wave holds at most one row per sequence, and a
     * sequence's later rows (several tokens of one sequence in one step) come in later waves, so each row sees the
     * ring, compressor and indexer state exactly as a one-token decode would.
     */
    private void decodeAttention(Step step, Workspace ws, float[] q, float[] kv, float[] o) {
        for (int[] wave : step.waves) {
            decodeWave(step, ws, q, kv, o, wave);
        }
    }

    private void decodeWave(Step step, Workspace ws, float[] q, float[] kv, float[] o, int[] rows) {
        final int m = rows.length;
        final int hd = headDim;
        // phase 1 (sequential, per sequence): ring write and compressor steps
        final int[] entriesOf = new int[m];
        int me = 0;
        for (int i = 0; i < m; i++) {
            int r = rows[i];
            SequenceState st = step.states[r];
            int pos = step.positions[r];
            System.arraycopy(kv, r * hd, st.ring[layer], (pos % window) * hd, hd);
            if (indexer != null) {
                indexer.compressor.decode(st.indexer[layer], ws.ikv, ws.isc, r * 2 * indexer.dim, pos, ws.pooled);
            }
            if (compressor != null) {
                compressor.decode(st.compressor[layer], ws.ckv, ws.csc, r * compressor.width, pos, ws.pooled);
            }
            entriesOf[i] = ratio == 0 ? 0 : (pos + 1) / ratio;
            me = Math.max(me, entriesOf[i]);
        }
        final int maxEntries = me;
        // phase 2: indexer scores (CSA), split over (row, entry) so one long sequence still uses every thread
        final int stride = Math.max(1, maxEntries);
        final float[] iscore = indexer == null ? null : new float[m * stride];
        if (indexer != null && maxEntries > 0) {
            step.parallel.forRange(m * stride, (from, to) -> {
                for (int u = from; u < to; ) {
                    int i = u / stride;
                    int r = rows[i];
                    int t0 = u % stride;
                    int t1 = Math.min(stride, t0 + (to - u));
                    int e = Math.min(t1, entriesOf[i]);
                    if (t0 < e) {
                        indexer.score(
                                ws.iq,
                                r * indexer.heads * indexer.dim,
                                ws.iw,
                                r * indexer.heads,
                                step.states[r].indexer[layer].entries,
                                t0,
                                e,
                                iscore,
                                i * stride);
                    }
                    u += t1 - t0;
                }
            });
        }
        // index lists per row: window in ring order, then compressed entries at offset W
        final int widthMax = window + (indexer != null ? Math.min(indexer.topk, maxEntries) : maxEntries);
        final int[] idx = new int[m * widthMax];
        final int[] width = new int[m];
        long[] keys = indexer == null ? null : new long[stride];
        float[] rowScores = indexer == null ? null : new float[stride];
        for (int i = 0; i < m; i++) {
            int pos = step.positions[rows[i]];
            int base = i * widthMax;
            windowIndices(pos, idx, base);
            int entries = entriesOf[i];
            if (indexer != null) {
                int cw = Math.min(indexer.topk, entries);
                System.arraycopy(iscore, i * stride, rowScores, 0, entries);
                Indexer.select(rowScores, entries, cw, window, idx, base + window, keys);
                width[i] = window + cw;
            } else {
                for (int j = 0; j < entries; j++) {
                    idx[base + window + j] = window + j;
                }
                width[i] = window + entries;
            }
        }
        // phase 3: attention, split over (row, head)
        final int units = m * heads;
        step.parallel.forRange(units, (from, to) -> {
            float[] scores = new float[heads * SparseAttention.BLOCK];
            float[] acc = new float[heads * hd];
            float[] stats = new float[2 * heads];
            int u = from;
            while (u < to) {
                int i = u / heads;
                int r = rows[i];
                int h0 = u % heads;
                int h1 = Math.min(heads, h0 + (to - u));
                SequenceState st = step.states[r];
                float[] kvB = st.compressor[layer] == null ? null : st.compressor[layer].entries;
                SparseAttention.attend(
                        q,
                        r * heads * hd,
                        hd,
                        h0,
                        h1,
                        st.ring[layer],
                        window,
                        kvB,
                        idx,
                        i * widthMax,
                        width[i],
                        sink,
                        scale,
                        o,
                        r * heads * hd,
                        scores,
                        acc,
                        stats);
                u += h1 - h0;
            }
        });
    }

    /** The reference's {@code get_window_topk_idxs} for one decode position: W ring slots, oldest first. */
    private void windowIndices(int pos, int[] idx, int off) {
        int w = window;
        if (pos >= w - 1) {
            int s = pos % w;
            int k = 0;
            for (int slot = s + 1; slot < w; slot++) {
                idx[off + k++] = slot;
            }
            for (int slot = 0; slot <= s; slot++) {
                idx[off + k++] = slot;
            }
        } else {
            for (int k = 0; k < w; k++) {
                idx[off + k] = k <= pos ? k : -1;
            }
        }
    }
}
