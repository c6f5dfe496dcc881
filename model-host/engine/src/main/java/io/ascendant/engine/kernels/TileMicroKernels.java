package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.MappedMatrix.TILE_COLS;
import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import jdk.incubator.vector.FloatVector;

/**
 * The register micro-kernels of {@link MappedMatrix#kernelBatchDecoded}: a decoded tile of {@link
 * MappedMatrix#TILE_ROWS} (= 4) weight rows times four, two or one batch rows, over the column vectors {@code start,
 * start + 2L, ...} below {@code vend} (one parity of the two chains). Lane sums live in {@code acc} at {@code base +
 * (i·nb + b)·L} for weight row {@code i} and batch row {@code b}; each kernel continues them and stores them back.
 *
 * <p>Threading: stateless; all buffers are the caller's (per-thread {@link Scratch}).
 */
final class TileMicroKernels {

    private TileMicroKernels() {}

    /**
     * Four weight rows of the tile times four input rows ({@code x0 + k·stride}): 4 weight loads and 4 input loads
     * feed 16 FMAs. The lane sums are loaded at the start and stored at the end (not added after the loop), which
     * keeps the method under C2's inlining node budget; past it the vectors would be boxed.
     */
    static void micro4x4(
            float[] tile, int start, int vend, float[] x, int x0, int stride, float[] acc, int base, int b, int nb) {
        final int x1 = x0 + stride;
        final int x2 = x1 + stride;
        final int x3 = x2 + stride;
        final int p0 = base + b * L;
        final int p1 = base + (nb + b) * L;
        final int p2 = base + (2 * nb + b) * L;
        final int p3 = base + (3 * nb + b) * L;
        FloatVector a00 = FloatVector.fromArray(F, acc, p0);
        FloatVector a01 = FloatVector.fromArray(F, acc, p0 + L);
        FloatVector a02 = FloatVector.fromArray(F, acc, p0 + 2 * L);
        FloatVector a03 = FloatVector.fromArray(F, acc, p0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(F, acc, p1);
        FloatVector a11 = FloatVector.fromArray(F, acc, p1 + L);
        FloatVector a12 = FloatVector.fromArray(F, acc, p1 + 2 * L);
        FloatVector a13 = FloatVector.fromArray(F, acc, p1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, acc, p2);
        FloatVector a21 = FloatVector.fromArray(F, acc, p2 + L);
        FloatVector a22 = FloatVector.fromArray(F, acc, p2 + 2 * L);
        FloatVector a23 = FloatVector.fromArray(F, acc, p2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(F, acc, p3);
        FloatVector a31 = FloatVector.fromArray(F, acc, p3 + L);
        FloatVector a32 = FloatVector.fromArray(F, acc, p3 + 2 * L);
        FloatVector a33 = FloatVector.fromArray(F, acc, p3 + 3 * L);
        for (int c = start; c < vend; c += 2 * L) {
            final FloatVector w0 = FloatVector.fromArray(F, tile, c);
            final FloatVector w1 = FloatVector.fromArray(F, tile, TILE_COLS + c);
            final FloatVector w2 = FloatVector.fromArray(F, tile, 2 * TILE_COLS + c);
            final FloatVector w3 = FloatVector.fromArray(F, tile, 3 * TILE_COLS + c);
            FloatVector v = FloatVector.fromArray(F, x, x0 + c);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            a20 = w2.fma(v, a20);
            a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + c);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            a21 = w2.fma(v, a21);
            a31 = w3.fma(v, a31);
            v = FloatVector.fromArray(F, x, x2 + c);
            a02 = w0.fma(v, a02);
            a12 = w1.fma(v, a12);
            a22 = w2.fma(v, a22);
            a32 = w3.fma(v, a32);
            v = FloatVector.fromArray(F, x, x3 + c);
            a03 = w0.fma(v, a03);
            a13 = w1.fma(v, a13);
            a23 = w2.fma(v, a23);
            a33 = w3.fma(v, a33);
        }
        a00.intoArray(acc, p0);
        a01.intoArray(acc, p0 + L);
        a02.intoArray(acc, p0 + 2 * L);
        a03.intoArray(acc, p0 + 3 * L);
        a10.intoArray(acc, p1);
        a11.intoArray(acc, p1 + L);
        a12.intoArray(acc, p1 + 2 * L);
        a13.intoArray(acc, p1 + 3 * L);
        a20.intoArray(acc, p2);
        a21.intoArray(acc, p2 + L);
        a22.intoArray(acc, p2 + 2 * L);
        a23.intoArray(acc, p2 + 3 * L);
        a30.intoArray(acc, p3);
        a31.intoArray(acc, p3 + L);
        a32.intoArray(acc, p3 + 2 * L);
        a33.intoArray(acc, p3 + 3 * L);
    }

    /** Four weight rows of the tile times two input rows (lane sums continued from and stored back to acc). */
    static void micro4x2(
            float[] tile, int start, int vend, float[] x, int x0, int stride, float[] acc, int base, int b, int nb) {
        final int x1 = x0 + stride;
        final int p0 = base + b * L;
        final int p1 = base + (nb + b) * L;
        final int p2 = base + (2 * nb + b) * L;
        final int p3 = base + (3 * nb + b) * L;
        FloatVector a00 = FloatVector.fromArray(F, acc, p0);
        FloatVector a01 = FloatVector.fromArray(F, acc, p0 + L);
        FloatVector a10 = FloatVector.fromArray(F, acc, p1);
        FloatVector a11 = FloatVector.fromArray(F, acc, p1 + L);
        FloatVector a20 = FloatVector.fromArray(F, acc, p2);
        FloatVector a21 = FloatVector.fromArray(F, acc, p2 + L);
        FloatVector a30 = FloatVector.fromArray(F, acc, p3);
        FloatVector a31 = FloatVector.fromArray(F, acc, p3 + L);
        for (int c = start; c < vend; c += 2 * L) {
            final FloatVector w0 = FloatVector.fromArray(F, tile, c);
            final FloatVector w1 = FloatVector.fromArray(F, tile, TILE_COLS + c);
            final FloatVector w2 = FloatVector.fromArray(F, tile, 2 * TILE_COLS + c);
            final FloatVector w3 = FloatVector.fromArray(F, tile, 3 * TILE_COLS + c);
            FloatVector v = FloatVector.fromArray(F, x, x0 + c);
            a00 = w0.fma(v, a00);
            a10 = w1.fma(v, a10);
            a20 = w2.fma(v, a20);
            a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(F, x, x1 + c);
            a01 = w0.fma(v, a01);
            a11 = w1.fma(v, a11);
            a21 = w2.fma(v, a21);
            a31 = w3.fma(v, a31);
        }
        a00.intoArray(acc, p0);
        a01.intoArray(acc, p0 + L);
        a10.intoArray(acc, p1);
        a11.intoArray(acc, p1 + L);
        a20.intoArray(acc, p2);
        a21.intoArray(acc, p2 + L);
        a30.intoArray(acc, p3);
        a31.intoArray(acc, p3 + L);
    }

    /** Four weight rows of the tile times one input row (lane sums continued from and stored back to acc). */
    static void micro4x1(float[] tile, int start, int vend, float[] x, int x0, float[] acc, int base, int b, int nb) {
        final int p0 = base + b * L;
        final int p1 = base + (nb + b) * L;
        final int p2 = base + (2 * nb + b) * L;
        final int p3 = base + (3 * nb + b) * L;
        FloatVector a0 = FloatVector.fromArray(F, acc, p0);
        FloatVector a1 = FloatVector.fromArray(F, acc, p1);
        FloatVector a2 = FloatVector.fromArray(F, acc, p2);
        FloatVector a3 = FloatVector.fromArray(F, acc, p3);
        for (int c = start; c < vend; c += 2 * L) {
            final FloatVector v = FloatVector.fromArray(F, x, x0 + c);
            a0 = FloatVector.fromArray(F, tile, c).fma(v, a0);
            a1 = FloatVector.fromArray(F, tile, TILE_COLS + c).fma(v, a1);
            a2 = FloatVector.fromArray(F, tile, 2 * TILE_COLS + c).fma(v, a2);
            a3 = FloatVector.fromArray(F, tile, 3 * TILE_COLS + c).fma(v, a3);
        }
        a0.intoArray(acc, p0);
        a1.intoArray(acc, p1);
        a2.intoArray(acc, p2);
        a3.intoArray(acc, p3);
    }
}
