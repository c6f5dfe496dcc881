package io.ascendant.engine.model;

import io.ascendant.engine.config.ModelConfig;

/**
 * Activation buffers of one forward step, sized for its n rows and reused by every layer (allocated once per
 * step, never inside a layer's loops). Shapes are row-major with the row index first.
 */
final class Workspace {
    final int n;
    // residual streams and sublayer I/O
    final float[] x; // (n, hc, D)
    final float[] x2; // (n, hc, D)
    final float[] mixes; // (n, (2+hc)·hc)
    final float[] pre; // (n, hc)
    final float[] post; // (n, hc)
    final float[] comb; // (n, hc, hc)
    final float[] u; // (n, D)
    final float[] f; // (n, D)
    // attention
    final float[] xq; // (n, D)
    final float[] xq2; // (n, D)
    final float[] qr; // (n, q_lora)
    final float[] qrq; // (n, q_lora)
    final float[] qrq2; // (n, q_lora)
    final float[] q; // (n, H, hd)
    final float[] kv; // (n, hd)
    final float[] o; // (n, H, hd)
    final float[] woa; // (n, G·o_lora)
    final float[] woq; // (n, G·o_lora)
    final float[] iq; // (n, IH, ID)
    final float[] iw; // (n, IH)
    final float[] ikv; // (n, 2·ID)
    final float[] isc; // (n, 2·ID)
    final float[] ckv; // (n, 2·hd)
    final float[] csc; // (n, 2·hd)
    final float[] pooled; // (max(hd, ID))

    Workspace(ModelConfig c, int n) {
        this.n = n;
        int d = c.hiddenSize();
        int hc = c.hcMult();
        int hd = c.headDim();
        int h = c.numHeads();
        int g = c.oGroups();
        x = new float[n * hc * d];
        x2 = new float[n * hc * d];
        mixes = new float[n * c.mixHc()];
        pre = new float[n * hc];
        post = new float[n * hc];
        comb = new float[n * hc * hc];
        u = new float[n * d];
        f = new float[n * d];
        xq = new float[n * d];
        xq2 = new float[n * d];
        qr = new float[n * c.qLoraRank()];
        qrq = new float[n * c.qLoraRank()];
        qrq2 = new float[n * c.qLoraRank()];
        q = new float[n * h * hd];
        kv = new float[n * hd];
        o = new float[n * h * hd];
        woa = new float[n * g * c.oLoraRank()];
        woq = new float[n * g * c.oLoraRank()];
        int ih = c.indexNHeads();
        int id = c.indexHeadDim();
        iq = new float[n * ih * id];
        iw = new float[n * ih];
        ikv = new float[n * 2 * id];
        isc = new float[n * 2 * id];
        ckv = new float[n * 2 * hd];
        csc = new float[n * 2 * hd];
        pooled = new float[Math.max(hd, id)];
    }
}
